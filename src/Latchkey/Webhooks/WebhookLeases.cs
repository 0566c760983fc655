using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Latchkey.Webhooks;

/// <summary>
/// Takes due deliveries for this worker. A lease is a token and an expiry written on the row: no other worker takes a
/// leased row until the lease runs out, which it only does when its holder died mid-attempt (the attempt is then made
/// again: delivery is at least once). PostgreSQL: one UPDATE over a <c>FOR UPDATE SKIP LOCKED</c> selection, so
/// processes leasing at the same moment each get different rows and never wait on each other. SQLite runs one writing
/// statement at a time, so there the same UPDATE as one conditional statement is enough.
/// </summary>
public sealed class WebhookLeases(LatchkeyDbContext db, IOptions<WebhookOptions> options, TimeProvider clock)
{
    private DbSet<WebhookDelivery> Deliveries => db.Set<WebhookDelivery>();

    /// <summary>Leases up to <paramref name="limit"/> due deliveries, leaving out apps whose endpoint is at its limit here.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> LeaseAsync(int limit, IReadOnlyCollection<long> busyApps, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // A read first: an idle queue, the usual case between events, then costs each poll no write (no lock, no WAL).
        if (!await Due(now).AnyAsync(ct))
        {
            return [];
        }
        var token = Guid.NewGuid();
        var until = now + options.Value.LeaseDuration;
        if (db.Database.IsNpgsql())
        {
            var busy = busyApps.ToArray();
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE webhook_deliveries SET "LeaseToken" = {token}, "LeasedUntil" = {until}
                WHERE "Id" IN (
                    SELECT "Id" FROM webhook_deliveries
                    WHERE "Status" = 'Pending' AND "NextAttemptAt" <= {now}
                      AND ("LeasedUntil" IS NULL OR "LeasedUntil" <= {now}) AND NOT ("AppId" = ANY({busy}))
                    ORDER BY "NextAttemptAt" LIMIT {limit}
                    FOR UPDATE SKIP LOCKED)
                """, ct);
        }
        else
        {
            await Due(now).Where(d => !busyApps.Contains(d.AppId)).OrderBy(d => d.NextAttemptAt).Take(limit)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.LeaseToken, token).SetProperty(d => d.LeasedUntil, until), ct);
        }
        return await Deliveries.AsNoTracking().Where(d => d.LeaseToken == token).ToListAsync(ct);
    }

    /// <summary>Gives leased deliveries back at once, for another turn or another worker.</summary>
    public Task ReleaseAsync(IReadOnlyCollection<Guid> ids, Guid token, CancellationToken ct) =>
        Deliveries.Where(d => ids.Contains(d.Id) && d.LeaseToken == token)
            .ExecuteUpdateAsync(set => set.SetProperty(d => d.LeaseToken, (Guid?)null).SetProperty(d => d.LeasedUntil, (DateTimeOffset?)null), ct);

    private IQueryable<WebhookDelivery> Due(DateTimeOffset now) =>
        Deliveries.Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LeasedUntil == null || d.LeasedUntil <= now));
}
