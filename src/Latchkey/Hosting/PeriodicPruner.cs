namespace Latchkey.Hosting;

/// <summary>
/// Deletes what a log no longer needs every few minutes, in a scope of its own, so tables do not grow forever. A failed
/// round is logged and tried again at the next one. Every node may run it: the deletes are idempotent.
/// </summary>
public abstract partial class PeriodicPruner(IServiceScopeFactory scopes, ILogger logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>What is pruned, for the log: "the revocation log".</summary>
    protected abstract string Name { get; }

    protected abstract Task PruneAsync(IServiceProvider services, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await PruneAsync(scope.ServiceProvider, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPruneFailed(logger, Name, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning {Name} failed; it is tried again in a few minutes.")]
    private static partial void LogPruneFailed(ILogger logger, string name, Exception exception);
}
