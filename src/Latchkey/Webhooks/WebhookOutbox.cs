using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Storage;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Webhooks;

/// <summary>
/// Puts events in the outbox (<see cref="WebhookDelivery"/>), one row per installation that subscribed to the event and
/// was granted it. Latchkey's own events are added to the caller's context, unsaved, inside the transaction of the change
/// they report: the caller saves them with the change, so both commit together or not at all; the delivery worker sends
/// them afterwards.
/// </summary>
public sealed class WebhookOutbox(LatchkeyDbContext db, TimeProvider clock, WebhookSignal signal)
{
    /// <summary>
    /// Called by <see cref="InstallationStore.InstallAsync"/> before it saves: records the events the organization granted
    /// at consent (FeatureOS: an install may narrow the app's subscribed events; null grants all of them) and, for a new
    /// installation, queues <see cref="WebhookEventTypes.AppInstalled"/>.
    /// </summary>
    public void RecordInstall(App app, Installation installation, IReadOnlyList<string>? grantedEvents)
    {
        installation.GrantedWebhookEvents = [.. grantedEvents ?? app.WebhookEvents];
        if (db.Entry(installation).State == EntityState.Added)
        {
            Add(app, installation, WebhookEventTypes.AppInstalled, InstallationData(app, installation));
        }
    }

    /// <summary>Called by <see cref="InstallationStore.RevokeAsync"/> inside its transaction, when the installation was live until now.</summary>
    public async Task AppUninstalledAsync(Guid installationId, CancellationToken ct)
    {
        if (await TargetAsync(installationId, ct) is ({ } app, { } installation))
        {
            Add(app, installation, WebhookEventTypes.AppUninstalled, InstallationData(app, installation));
        }
    }

    /// <summary>Called by <see cref="TokenStore.RevokeAsync"/> inside its transaction.</summary>
    public async Task TokenRevokedAsync(Guid installationId, TokenKind kind, Guid familyId, CancellationToken ct)
    {
        if (await TargetAsync(installationId, ct) is ({ } app, { } installation))
        {
            Add(app, installation, WebhookEventTypes.TokenRevoked, Data(new
            {
                @object = "token",
                token_type_hint = kind == TokenKind.RefreshToken ? "refresh_token" : "access_token",
                family_id = familyId,
                client_id = app.ClientId,
            }));
        }
    }

    /// <summary>Called by <see cref="TokenStore"/> inside the transaction that revokes the family for reuse.</summary>
    public async Task RefreshTokenReuseDetectedAsync(IssuedToken presented, CancellationToken ct)
    {
        if (await TargetAsync(presented.InstallationId, ct) is ({ } app, { } installation))
        {
            Add(app, installation, WebhookEventTypes.RefreshTokenReuseDetected, Data(new
            {
                @object = "token_family",
                family_id = presented.FamilyId,
                client_id = app.ClientId,
            }));
        }
    }

    /// <summary>
    /// <c>POST /api/v1/events</c>: one delivery per live installation in the organization whose app subscribed to
    /// <paramref name="type"/> and was granted it, committed before this returns. Disabled subscriptions get theirs too,
    /// cancelled at once, so the owner's log shows what was missed.
    /// </summary>
    public async Task<(Guid EventId, int Deliveries)> PublishAsync(Guid organizationId, string type, JsonElement data, CancellationToken ct)
    {
        var targets = await (
            from installation in db.Installations.AsNoTracking()
            join app in db.Apps.AsNoTracking() on installation.AppId equals app.Id
            where installation.OrganizationId == organizationId && installation.RevokedAt == null && app.WebhookUrl != null
                && app.WebhookEvents.Contains(type) && installation.GrantedWebhookEvents.Contains(type)
            select new { installation.Id, installation.AppId }).ToListAsync(ct);
        var eventId = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        foreach (var target in targets)
        {
            db.Add(Delivery(eventId, type, organizationId, target.AppId, target.Id, data, now));
        }
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return (eventId, targets.Count);
    }

    /// <summary>The installation and its app, when the app would receive an event at all (a webhook URL); the event filter is <see cref="Add"/>'s.</summary>
    private async Task<(App App, Installation Installation)?> TargetAsync(Guid installationId, CancellationToken ct)
    {
        var target = await (
            from installation in db.Installations.AsNoTracking()
            join app in db.Apps.AsNoTracking() on installation.AppId equals app.Id
            where installation.Id == installationId && app.WebhookUrl != null
            select new { app, installation }).SingleOrDefaultAsync(ct);
        return target is null ? null : (target.app, target.installation);
    }

    private void Add(App app, Installation installation, string type, JsonElement data)
    {
        if (app.WebhookUrl is not null && app.WebhookEvents.Contains(type) && installation.GrantedWebhookEvents.Contains(type))
        {
            db.Add(Delivery(Guid.CreateVersion7(), type, installation.OrganizationId, app.Id, installation.Id, data, clock.GetUtcNow()));
        }
    }

    private static WebhookDelivery Delivery(Guid eventId, string type, Guid organizationId, long appId, Guid installationId,
        JsonElement data, DateTimeOffset now) => new()
    {
        EventId = eventId,
        EventType = type,
        OrganizationId = organizationId,
        AppId = appId,
        InstallationId = installationId,
        Payload = new WebhookEnvelope(WebhookIds.Event(eventId), type, now.ToUnixTimeSeconds(), organizationId, installationId, data).ToJson(),
        CreatedAt = now,
        NextAttemptAt = now,
    };

    private static JsonElement InstallationData(App app, Installation installation) => Data(new
    {
        @object = "installation",
        id = installation.Id,
        client_id = app.ClientId,
        organization_id = installation.OrganizationId,
        actor = installation.ActorMode,
        user_id = installation.UserId,
        scopes = installation.GrantedScopes,
        webhook_events = installation.GrantedWebhookEvents,
    });

    private static JsonElement Data<T>(T value) => JsonSerializer.SerializeToElement(value);
}
