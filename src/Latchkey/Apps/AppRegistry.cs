using Latchkey.Configuration;
using Latchkey.Management;
using Latchkey.Profiles;
using Latchkey.Revocations;
using Latchkey.Scopes;
using Latchkey.Storage;
using Latchkey.Tokens;
using Latchkey.Validation;
using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Latchkey.Apps;

/// <summary>
/// The one place apps are created, changed, and deleted, whichever front end asks (CLI, management
/// API, FUB API, portal). Every lookup is scoped to an organization: tenant isolation (DESIGN.md rule 7)
/// is a parameter here, not a check each caller must remember.
/// </summary>
public sealed class AppRegistry(LatchkeyDbContext db, IOptions<LatchkeyOptions> options, ScopeCatalogues catalogues, TimeProvider clock,
    WebhookSigningSecrets signingSecrets)
{
    private LatchkeyOptions Options => options.Value;

    public async Task<IReadOnlyList<App>> ListAsync(Guid organizationId, CancellationToken ct) =>
        await db.Apps.AsNoTracking().Include(a => a.Secrets)
            .Where(a => a.OrganizationId == organizationId).OrderBy(a => a.Id).ToListAsync(ct);

    /// <summary>The app with this client id if it belongs to <paramref name="organizationId"/>; null otherwise,
    /// so that another organization's app is indistinguishable from one that does not exist.</summary>
    public Task<App?> FindAsync(Guid organizationId, string clientId, CancellationToken ct) =>
        db.Apps.Include(a => a.Secrets)
            .SingleOrDefaultAsync(a => a.OrganizationId == organizationId && a.ClientId == clientId, ct);

    public Task<Validated<CreatedApp>> CreateAsync(Guid organizationId, AppDraft draft, CancellationToken ct) =>
        CreateAsync(organizationId, null, draft, ct);

    /// <summary>An app created by a FUB Registered System belongs to the system's organization and remembers the system.</summary>
    public Task<Validated<CreatedApp>> CreateForSystemAsync(RegisteredSystem system, AppDraft draft, CancellationToken ct) =>
        CreateAsync(system.OrganizationId, system.Id, draft, ct);

    private async Task<Validated<CreatedApp>> CreateAsync(Guid organizationId, Guid? registeredSystemId, AppDraft draft, CancellationToken ct)
    {
        var profile = draft.Profile ?? Options.Profile;
        draft = Normalize(draft);
        var errors = AppValidator.Check(draft, profile, catalogues.For(profile));
        if (errors.Count > 0)
        {
            return Validated<CreatedApp>.Fail(errors);
        }
        var now = clock.GetUtcNow();
        var prefixes = ProfileTokenPrefixes.For(profile);
        var app = new App
        {
            OrganizationId = organizationId,
            RegisteredSystemId = registeredSystemId,
            ClientId = TokenCodec.Mint(prefixes.ClientId),
            Name = draft.Name,
            IsPublic = draft.IsPublic,
            Profile = profile,
            CreatedAt = now,
        };
        Apply(app, draft, now);
        var secret = draft.IsPublic ? null : ClientSecrets.Mint(prefixes, now);
        if (secret is not null)
        {
            app.Secrets.Add(secret.Row);
        }
        db.Apps.Add(app);
        var webhookSecret = signingSecrets.MintFor(app);
        await db.SaveChangesAsync(ct);
        return Validated<CreatedApp>.Ok(new CreatedApp(app, secret, webhookSecret));
    }

    /// <summary>Replaces the app's settings with <paramref name="draft"/>. Profile and client type are fixed at creation.</summary>
    public async Task<Validated<App>> UpdateAsync(App app, AppDraft draft, CancellationToken ct)
    {
        draft = Normalize(draft) with { Profile = app.Profile, IsPublic = app.IsPublic };
        var errors = AppValidator.Check(draft, app.Profile, catalogues.For(app.Profile));
        if (errors.Count > 0)
        {
            return Validated<App>.Fail(errors);
        }
        Apply(app, draft, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return Validated<App>.Ok(app);
    }

    /// <summary>Deletes the app; its installations and tokens go with it (cascade), and resource servers hear of it.</summary>
    public async Task DeleteAsync(App app, CancellationToken ct)
    {
        db.Apps.Remove(app);
        db.Revocations.Add(Revocation.OfApp(app.ClientId, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }

    public async Task<Validated<IssuedSecret>> RotateSecretAsync(App app, CancellationToken ct)
    {
        if (app.IsPublic)
        {
            return Validated<IssuedSecret>.Fail(AppFields.Secret, "A public client has no secret to rotate.");
        }
        var issued = ClientSecrets.Rotate(app, ProfileTokenPrefixes.For(app.Profile), clock.GetUtcNow(), Options.SecretRotationOverlap);
        app.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return Validated<IssuedSecret>.Ok(issued);
    }

    /// <summary>A new webhook signing secret, shown this once; the previous one signs beside it during the overlap.</summary>
    public Task<IssuedSigningSecret> RotateWebhookSecretAsync(App app, CancellationToken ct) => signingSecrets.RotateAsync(app, ct);

    /// <summary>Ends a rotated-out secret's overlap now. The current secret cannot be revoked this way:
    /// an app would be left with none, so rotate first.</summary>
    public async Task<Validated<ClientSecret>> RevokeSecretAsync(App app, long secretId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var secret = app.Secrets.SingleOrDefault(s => s.Id == secretId);
        if (secret is null || !secret.IsLiveAt(now))
        {
            return Validated<ClientSecret>.Fail(AppFields.Secret, $"The app has no live secret {secretId}.");
        }
        if (secret.ExpiresAt is null)
        {
            return Validated<ClientSecret>.Fail(AppFields.Secret, "This is the current secret; rotate the secret first, then revoke the old one.");
        }
        secret.ExpiresAt = now;
        await db.SaveChangesAsync(ct);
        return Validated<ClientSecret>.Ok(secret);
    }

    private static AppDraft Normalize(AppDraft draft) => draft with
    {
        Name = draft.Name?.Trim() ?? "",
        Description = Blank(draft.Description),
        WebsiteUrl = Blank(draft.WebsiteUrl),
        LogoUrl = Blank(draft.LogoUrl),
        WebhookUrl = Blank(draft.WebhookUrl),
        RedirectUris = [.. draft.RedirectUris.Distinct(StringComparer.Ordinal)],
        Scopes = draft.Scopes is null ? null : [.. draft.Scopes.Distinct(StringComparer.Ordinal)],
        ActorModes = draft.ActorModes is null ? null : [.. draft.ActorModes.Distinct(StringComparer.Ordinal)],
        WebhookEvents = [.. draft.WebhookEvents.Distinct(StringComparer.Ordinal)],
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private void Apply(App app, AppDraft draft, DateTimeOffset now)
    {
        app.Name = draft.Name;
        app.Description = draft.Description;
        app.WebsiteUrl = draft.WebsiteUrl;
        app.LogoUrl = draft.LogoUrl;
        app.RedirectUris = [.. draft.RedirectUris];
        app.AllowedScopes = [.. draft.Scopes ?? catalogues.For(app.Profile).Select(s => s.Name)];
        app.AllowedActorModes = [.. draft.ActorModes ?? [ActorMode.Self]];
        app.WebhookUrl = draft.WebhookUrl;
        app.WebhookEvents = [.. draft.WebhookEvents];
        app.UpdatedAt = now;
    }
}
