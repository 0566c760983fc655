using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Webhooks;

/// <summary>
/// What an app's owner sees of its webhook and does about it: the subscription's state, the delivery log with every
/// attempt, redelivery, and re-enabling a subscription that was disabled. Callers pass an app they already scoped to
/// the caller's organization (<see cref="Apps.AppRegistry.FindAsync"/>).
/// </summary>
public sealed class WebhookLog(LatchkeyDbContext db, WebhookSignal signal, TimeProvider clock)
{
    public const int MaxPage = 200;

    public Task<WebhookSubscription?> SubscriptionAsync(long appId, CancellationToken ct) =>
        db.Set<WebhookSubscription>().AsNoTracking().SingleOrDefaultAsync(s => s.AppId == appId, ct);

    public async Task<IReadOnlyList<WebhookSigningSecret>> SecretsAsync(long appId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return [.. (await db.Set<WebhookSigningSecret>().AsNoTracking().Where(s => s.AppId == appId).OrderBy(s => s.Id).ToListAsync(ct))
            .Where(s => s.IsLiveAt(now))];
    }

    /// <summary>The app's deliveries, newest first, each with its attempts.</summary>
    public Task<IReadOnlyList<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)>> ListAsync(
        long appId, WebhookDeliveryStatus? status, int limit, CancellationToken ct) =>
        ListAsync(db.Set<WebhookDelivery>().Where(d => d.AppId == appId && (status == null || d.Status == status)), limit, ct);

    /// <summary>The deliveries to one installation, newest first: what its organization's admins see. The caller
    /// found the installation in the admin's organization (<see cref="Installations.InstallationDirectory"/>).</summary>
    public Task<IReadOnlyList<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)>> ListForInstallationAsync(
        Guid installationId, int limit, CancellationToken ct) =>
        ListAsync(db.Set<WebhookDelivery>().Where(d => d.InstallationId == installationId), limit, ct);

    /// <summary>
    /// The newest <paramref name="limit"/> deliveries of <paramref name="query"/> with their attempts, read by one statement
    /// (a left join): read in two, a delivery could show an attempt recorded after the delivery's own row was read (the
    /// attempt, and not yet the retry time or status that came with it in the same commit).
    /// </summary>
    private async Task<IReadOnlyList<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)>> ListAsync(
        IQueryable<WebhookDelivery> query, int limit, CancellationToken ct)
    {
        var page = query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(Math.Clamp(limit, 1, MaxPage));
        var rows = await (
            from d in page.AsNoTracking()
            from a in db.Set<WebhookAttempt>().AsNoTracking().Where(a => a.DeliveryId == d.Id).DefaultIfEmpty()
            select new { Delivery = d, Attempt = a }).ToListAsync(ct);
        return [.. rows.GroupBy(r => r.Delivery.Id)
            .Select(g => (Delivery: g.First().Delivery,
                Attempts: (IReadOnlyList<WebhookAttempt>)[.. g.Select(r => r.Attempt).OfType<WebhookAttempt>().OrderBy(a => a.Number)]))
            .OrderByDescending(found => found.Delivery.CreatedAt).ThenByDescending(found => found.Delivery.Id)];
    }

    public async Task<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)?> FindAsync(long appId, Guid deliveryId, CancellationToken ct) =>
        await ListAsync(db.Set<WebhookDelivery>().Where(d => d.Id == deliveryId && d.AppId == appId), 1, ct) is [var found] ? found : null;

    /// <summary>
    /// Queues a finished delivery (delivered, failed or cancelled) again, now, with the whole retry schedule ahead of it and
    /// the same <c>webhook-id</c>, so a receiver that did get it can tell. False when it is still pending.
    /// </summary>
    public async Task<bool> RedeliverAsync(long appId, Guid deliveryId, CancellationToken ct)
    {
        var queued = await db.Set<WebhookDelivery>()
            .Where(d => d.Id == deliveryId && d.AppId == appId && d.Status != WebhookDeliveryStatus.Pending)
            .ExecuteUpdateAsync(set => set
                .SetProperty(d => d.Status, WebhookDeliveryStatus.Pending)
                .SetProperty(d => d.NextAttemptAt, clock.GetUtcNow())
                .SetProperty(d => d.ScheduleStep, 0)
                .SetProperty(d => d.LastError, (string?)null), ct) == 1;
        if (queued)
        {
            signal.Wake();
        }
        return queued;
    }

    /// <summary>
    /// Deletes finished deliveries (delivered, failed, cancelled) last due before <paramref name="before"/>, oldest first,
    /// <paramref name="batchSize"/> per statement so no statement holds the table long; their attempts go with them
    /// (the foreign key cascades). Pending deliveries are never deleted. The last time a delivery was due
    /// (<see cref="WebhookDelivery.NextAttemptAt"/>) is its last attempt, or its redelivery: a redelivered old delivery
    /// counts as recent. Returns how many were deleted.
    /// </summary>
    public async Task<int> PruneAsync(DateTimeOffset before, int batchSize, CancellationToken ct)
    {
        var deliveries = db.Set<WebhookDelivery>();
        int deleted, total = 0;
        do
        {
            // The condition is repeated outside the batch's subquery: PostgreSQL re-checks it on a row that changed
            // meanwhile (a redelivery makes it pending again), and keeps that row.
            var batch = deliveries.Where(d => d.Status != WebhookDeliveryStatus.Pending && d.NextAttemptAt < before)
                .OrderBy(d => d.NextAttemptAt).Take(batchSize).Select(d => d.Id);
            deleted = await deliveries.Where(d => d.Status != WebhookDeliveryStatus.Pending && d.NextAttemptAt < before && batch.Contains(d.Id))
                .ExecuteDeleteAsync(ct);
            total += deleted;
        }
        while (deleted == batchSize);
        return total;
    }

    /// <summary>Turns deliveries back on. What was cancelled while disabled stays in the log, to redeliver one by one.</summary>
    public async Task EnableAsync(long appId, CancellationToken ct)
    {
        var enabled = await db.Set<WebhookSubscription>().Where(s => s.AppId == appId)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.DisabledAt, (DateTimeOffset?)null).SetProperty(s => s.DisabledReason, (string?)null), ct);
        if (enabled == 0)
        {
            db.Add(new WebhookSubscription { AppId = appId });
            await db.SaveChangesAsync(ct);
        }
    }
}
