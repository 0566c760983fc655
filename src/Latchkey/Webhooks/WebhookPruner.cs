using Microsoft.Extensions.Options;

namespace Latchkey.Webhooks;

/// <summary>Deletes finished deliveries older than <see cref="WebhookOptions.DeliveryRetention"/>, with their attempts,
/// every few minutes, so the log does not grow forever. Every node may run it: the deletes are idempotent.</summary>
public sealed partial class WebhookPruner(IServiceScopeFactory scopes, IOptions<WebhookOptions> options, TimeProvider clock,
    ILogger<WebhookPruner> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private const int BatchSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var log = scope.ServiceProvider.GetRequiredService<WebhookLog>();
                await log.PruneAsync(clock.GetUtcNow() - options.Value.DeliveryRetention, BatchSize, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPruneFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning the webhook delivery log failed; it is tried again in a few minutes.")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
