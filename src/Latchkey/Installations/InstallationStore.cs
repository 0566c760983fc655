using Latchkey.Apps;
using Latchkey.Revocations;
using Latchkey.Storage;
using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Installations;

/// <summary>Creates, updates and revokes installations. Revocation ends every token at once (DESIGN.md "Tokens").</summary>
public sealed class InstallationStore(LatchkeyDbContext db, HotPathReads reads, TimeProvider clock, WebhookOutbox webhooks)
{
    private const string LiveGrantByActor = """
        SELECT "Id", "GrantedScopes", "GrantedWebhookEvents"
        FROM installations
        WHERE "AppId" = @p0 AND "OrganizationId" = @p1 AND "ActorKey" = @p2 AND "RevokedAt" IS NULL
        """;

    /// <summary>Every client_credentials request and every consent looks its installation up.</summary>
    private static readonly CompiledQuery<Func<LatchkeyDbContext, long, Guid, string, CancellationToken, Task<Installation?>>> LiveByActor = new(() =>
        EF.CompileAsyncQuery((LatchkeyDbContext db, long appId, Guid organizationId, string actorKey, CancellationToken ct) =>
            db.Installations.SingleOrDefault(
                i => i.AppId == appId && i.OrganizationId == organizationId && i.ActorKey == actorKey && i.RevokedAt == null)));

    public Task<Installation?> FindLiveAsync(long appId, Guid organizationId, Guid? userId, CancellationToken ct) =>
        LiveByActor.For(db)(db, appId, organizationId, Installation.KeyFor(userId), ct);

    /// <summary>
    /// The live installation of <paramref name="app"/> acting as itself in its own organization, when it grants exactly
    /// <paramref name="scopes"/> and the app's webhook events already: what a client_credentials request finds after the
    /// first, for which <see cref="InstallAsync"/> would change nothing. Prepared SQL (<see cref="HotPathReads"/>), without
    /// EF Core's change tracking; null when <see cref="InstallAsync"/> has something to do.
    /// </summary>
    public Task<Guid?> FindUnchangedBotAsync(App app, IReadOnlyList<string> scopes, CancellationToken ct) =>
        reads.ReadAsync(LiveGrantByActor, row =>
                row.Next() && row.Strings(1).SequenceEqual(scopes, StringComparer.Ordinal)
                && row.Strings(2).SequenceEqual(app.WebhookEvents, StringComparer.Ordinal)
                    ? row.Id(0)
                    : (Guid?)null,
            ct, app.Id, app.OrganizationId, Installation.KeyFor(null));

    /// <summary>
    /// The live installation of <paramref name="app"/> in the organization for the actor, created or
    /// updated to exactly <paramref name="scopes"/>. Two racing first installs meet at the unique index;
    /// the loser reads the winner's row and updates it. A grant that changes nothing writes nothing, so
    /// <c>UpdatedAt</c> is when the grant last changed, and a client_credentials request for the same
    /// scopes as the last one commits only its token set (README "Benchmarks").
    /// </summary>
    public async Task<Installation> InstallAsync(App app, Guid organizationId, string actorMode, Guid? actingUserId,
        IReadOnlyList<string> scopes, Guid? installedBy, IReadOnlyList<string>? grantedWebhookEvents, CancellationToken ct)
    {
        var userId = actorMode == ActorMode.Self ? actingUserId : null;
        for (var attempt = 0; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var installation = await FindLiveAsync(app.Id, organizationId, userId, ct);
            if (installation is null)
            {
                installation = new Installation
                {
                    AppId = app.Id,
                    OrganizationId = organizationId,
                    ActorMode = actorMode,
                    UserId = userId,
                    ActorKey = Installation.KeyFor(userId),
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                db.Installations.Add(installation);
            }
            installation.GrantedScopes = [.. scopes];
            installation.InstalledByUserId = installedBy ?? installation.InstalledByUserId;
            webhooks.RecordInstall(app, installation, grantedWebhookEvents);
            var entry = db.Entry(installation);
            entry.DetectChanges();
            if (entry.State == EntityState.Modified)
            {
                installation.UpdatedAt = now;
            }
            try
            {
                await db.SaveChangesAsync(ct);
                return installation;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Uninstall: the installation and every token it holds are revoked in one transaction, which logs it for resource servers.</summary>
    public async Task<bool> RevokeAsync(Guid installationId, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var revoked = await db.Installations
            .Where(i => i.Id == installationId && i.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.RevokedAt, now), ct);
        await db.Tokens
            .Where(t => t.InstallationId == installationId && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), ct);
        if (revoked == 1)
        {
            // Stamped now, after the row lock was waited for: the feed's resume window counts from the stamp to the commit.
            db.Revocations.Add(Revocation.OfInstallation(installationId, clock.GetUtcNow()));
            await webhooks.AppUninstalledAsync(installationId, ct);
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return revoked == 1;
    }
}
