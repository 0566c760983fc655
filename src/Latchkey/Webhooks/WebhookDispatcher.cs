using Microsoft.Extensions.Options;

namespace Latchkey.Webhooks;

/// <summary>
/// The delivery worker: leases due deliveries (<see cref="WebhookLeases"/>) and runs each attempt on its own task, up to
/// <see cref="WebhookOptions.MaxConcurrentDeliveries"/> at once and <see cref="WebhookOptions.MaxConcurrentPerEndpoint"/> per
/// app, so an endpoint that hangs until the timeout holds a few slots and the others keep flowing. Every Latchkey
/// process may run one: leases keep them from sending the same attempt twice.
/// </summary>
public sealed partial class WebhookDispatcher(IServiceScopeFactory scopes, WebhookSignal signal, IOptions<WebhookOptions> options,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly Dictionary<long, int> _inFlightPerApp = [];
    private readonly List<Task> _inFlight = [];

    /// <summary>How long a busy worker waits after a slot frees before leasing (<see cref="ExecuteAsync"/>).</summary>
    private static readonly TimeSpan LeaseCoalescing = TimeSpan.FromMilliseconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.DeliveryEnabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            _inFlight.RemoveAll(t => t.IsCompleted);
            var free = settings.MaxConcurrentDeliveries - _inFlight.Count;
            var started = 0;
            if (free > 0)
            {
                try
                {
                    started = await LeaseAndStartAsync(free, settings, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogLeaseFailed(e);
                }
            }
            if (started == 0 || started == free)
            {
                try
                {
                    // Woken by a new event, a finished attempt (a slot is free), or the poll interval.
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                    if (_inFlight.Count > 0)
                    {
                        // Busy: attempts finish one by one, and a lease per finished attempt would cost a write (a commit,
                        // on SQLite an fsync) per delivery. A moment's wait lets several finish, and one lease refills their slots.
                        await Task.Delay(LeaseCoalescing, stoppingToken);
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        await Task.WhenAll(_inFlight);
    }

    private async Task<int> LeaseAndStartAsync(int free, WebhookOptions settings, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var leases = scope.ServiceProvider.GetRequiredService<WebhookLeases>();
        long[] busy;
        lock (_inFlightPerApp)
        {
            busy = [.. _inFlightPerApp.Where(a => a.Value >= settings.MaxConcurrentPerEndpoint).Select(a => a.Key)];
        }
        var leased = await leases.LeaseAsync(free, busy, ct);
        var overflow = new List<Guid>();
        foreach (var delivery in leased)
        {
            if (!TryTakeSlot(delivery.AppId, settings.MaxConcurrentPerEndpoint))
            {
                overflow.Add(delivery.Id);
                continue;
            }
            _inFlight.Add(Task.Run(() => DeliverAsync(delivery, ct), CancellationToken.None));
        }
        if (overflow.Count > 0)
        {
            // More due for one endpoint than it may have in flight: back to the queue, for later or another worker.
            await leases.ReleaseAsync(overflow, leased[0].LeaseToken!.Value, ct);
        }
        return leased.Count - overflow.Count;
    }

    private bool TryTakeSlot(long appId, int limit)
    {
        lock (_inFlightPerApp)
        {
            var count = _inFlightPerApp.GetValueOrDefault(appId);
            if (count >= limit)
            {
                return false;
            }
            _inFlightPerApp[appId] = count + 1;
            return true;
        }
    }

    private async Task DeliverAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<WebhookDeliverer>().DeliverAsync(delivery.Id, delivery.LeaseToken!.Value, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogDeliveryFailed(e, delivery.MessageId);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and the attempt is made again, here after a restart or by another process.
        }
        finally
        {
            lock (_inFlightPerApp)
            {
                if (--_inFlightPerApp[delivery.AppId] == 0)
                {
                    _inFlightPerApp.Remove(delivery.AppId);
                }
            }
            signal.Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Leasing webhook deliveries failed; trying again at the next poll.")]
    private partial void LogLeaseFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook delivery {MessageId} failed unexpectedly; its lease will run out and it will be attempted again.")]
    private partial void LogDeliveryFailed(Exception exception, string messageId);
}
