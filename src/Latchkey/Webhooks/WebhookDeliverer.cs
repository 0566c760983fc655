using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Latchkey.Webhooks;

/// <summary>
/// Makes the next attempt of one leased delivery and records it: the attempt in the log, and on the delivery either
/// delivered, the next retry (the schedule's delay plus jitter), or, when the schedule is used up, failed, with the
/// subscription disabled and the reason kept for the owner. Saved only while the lease is still this worker's.
/// </summary>
public sealed class WebhookDeliverer(LatchkeyDbContext db, WebhookSigningSecrets secrets, WebhookSender sender,
    IOptions<WebhookOptions> options, TimeProvider clock)
{
    public async Task DeliverAsync(Guid deliveryId, Guid leaseToken, CancellationToken ct)
    {
        var delivery = await db.Set<WebhookDelivery>().SingleOrDefaultAsync(d => d.Id == deliveryId && d.LeaseToken == leaseToken, ct);
        if (delivery is null)
        {
            return;
        }
        var target = await (
            from app in db.Apps.AsNoTracking()
            join installation in db.Installations.AsNoTracking() on app.Id equals installation.AppId
            join subscription in db.Set<WebhookSubscription>().AsNoTracking() on app.Id equals subscription.AppId into subscriptions
            from subscription in subscriptions.DefaultIfEmpty()
            where app.Id == delivery.AppId && installation.Id == delivery.InstallationId
            select new { app.WebhookUrl, app.WebhookEvents, installation.RevokedAt, subscription.DisabledAt }).SingleOrDefaultAsync(ct);
        var now = clock.GetUtcNow();
        var cancelled = target switch
        {
            null or { WebhookUrl: null } => "The app has no webhook URL.",
            _ when !target.WebhookEvents.Contains(delivery.EventType) => "The app no longer subscribes to this event.",
            { RevokedAt: not null } when delivery.EventType != WebhookEventTypes.AppUninstalled => "The app was uninstalled.",
            { DisabledAt: not null } => "The subscription is disabled.",
            _ => null,
        };
        if (cancelled is not null)
        {
            delivery.Status = WebhookDeliveryStatus.Cancelled;
            delivery.LastError = cancelled;
        }
        else
        {
            var keys = await secrets.SigningKeysAsync(delivery.AppId, now, ct);
            var result = keys.Count == 0
                ? new AttemptResult(false, null, TimeSpan.Zero, "The app has no signing secret; rotate it to create one.", null)
                : await sender.SendAsync(target!.WebhookUrl!, delivery, keys, now, ct);
            await RecordAsync(delivery, result, now, ct);
        }
        delivery.LeaseToken = null;
        delivery.LeasedUntil = null;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The lease ran out and another worker took the delivery: its attempt is the one on record.
        }
    }

    private async Task RecordAsync(WebhookDelivery delivery, AttemptResult result, DateTimeOffset startedAt, CancellationToken ct)
    {
        delivery.Attempts++;
        delivery.LastStatusCode = result.StatusCode;
        delivery.LastError = result.Error;
        db.Add(new WebhookAttempt
        {
            DeliveryId = delivery.Id,
            Number = delivery.Attempts,
            StartedAt = startedAt,
            Succeeded = result.Succeeded,
            StatusCode = result.StatusCode,
            LatencyMs = (int)result.Latency.TotalMilliseconds,
            Error = Truncate(result.Error, 500),
            ResponseExcerpt = result.ResponseExcerpt,
        });
        var retries = options.Value.Retries;
        if (result.Succeeded)
        {
            delivery.Status = WebhookDeliveryStatus.Delivered;
            delivery.DeliveredAt = clock.GetUtcNow();
        }
        else if (delivery.ScheduleStep < retries.Count)
        {
            var delay = retries[delivery.ScheduleStep] * (1 + (Random.Shared.NextDouble() * options.Value.RetryJitter));
            delivery.ScheduleStep++;
            delivery.NextAttemptAt = clock.GetUtcNow() + delay;
        }
        else
        {
            delivery.Status = WebhookDeliveryStatus.Failed;
            var reason = $"Disabled after {delivery.ScheduleStep + 1} failed attempts of delivery {delivery.MessageId}; the last: {result.Error}";
            await db.Set<WebhookSubscription>().Where(s => s.AppId == delivery.AppId && s.DisabledAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(s => s.DisabledAt, clock.GetUtcNow())
                    .SetProperty(s => s.DisabledReason, Truncate(reason, 500)), ct);
        }
    }

    private static string? Truncate(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}
