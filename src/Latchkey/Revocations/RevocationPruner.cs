using Latchkey.Configuration;
using Microsoft.Extensions.Options;

namespace Latchkey.Revocations;

/// <summary>Deletes revocation entries older than <see cref="RevocationFeedOptions.Retention"/>, every few minutes.
/// Every node may run it: the deletes are idempotent.</summary>
public sealed partial class RevocationPruner(IServiceScopeFactory scopes, IOptions<LatchkeyOptions> options, TimeProvider clock,
    ILogger<RevocationPruner> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var log = scope.ServiceProvider.GetRequiredService<RevocationLog>();
                await log.PruneAsync(clock.GetUtcNow() - options.Value.Revocations.Retention, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPruneFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning the revocation log failed; it is tried again in a few minutes.")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
