using System.Threading.Channels;
using Latchkey.Configuration;
using Microsoft.Extensions.Options;

namespace Latchkey.Revocations;

/// <summary>
/// One process's reader of the revocation log, shared by every subscriber connected to it: while anyone listens it
/// polls the log (<see cref="RevocationFeedOptions.PollInterval"/>) and hands each new entry to every subscription.
/// Polling the shared database, not an in-process signal, is what makes a revocation done by any node reach the
/// subscribers of every node.
/// </summary>
public sealed partial class RevocationFeed(IServiceScopeFactory scopes, IOptions<LatchkeyOptions> options, ILogger<RevocationFeed> logger)
    : BackgroundService
{
    /// <summary>Entries a subscription may have waiting; a subscriber that falls further behind is cut off and
    /// resumes from its cursor, reading the backlog from the database instead of this process's memory.</summary>
    public const int SubscriptionCapacity = 10_000;

    /// <summary>How far below the head a (re)started poller looks for entries whose transactions are still open.</summary>
    private const int StartLookback = 1_000;

    private const int PageSize = 1_000;

    private static readonly long GapLifetimeMs = (long)RevocationFeedOptions.CommitWindow.TotalMilliseconds;

    private readonly Lock gate = new();
    private readonly HashSet<RevocationSubscription> subscriptions = [];
    private TaskCompletionSource firstSubscriber = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RevocationSubscription Subscribe()
    {
        var subscription = new RevocationSubscription(this);
        lock (gate)
        {
            subscriptions.Add(subscription);
            firstSubscriber.TrySetResult();
        }
        return subscription;
    }

    internal void Unsubscribe(RevocationSubscription subscription)
    {
        lock (gate)
        {
            subscriptions.Remove(subscription);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value.Revocations;
        RevocationSequence? sequence = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await WaitForSubscribersAsync(stoppingToken))
            {
                // Nobody listened for a while: entries written meanwhile were read by each new subscriber's replay.
                sequence = null;
                continue;
            }
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var log = scope.ServiceProvider.GetRequiredService<RevocationLog>();
                sequence ??= await AnchorAsync(log, stoppingToken);
                await PollAsync(log, sequence, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A lost database connection: subscribers keep their streams, and the next poll picks up where this one failed.
                LogPollFailed(logger, e);
            }
            await Task.Delay(settings.PollInterval, stoppingToken);
        }
    }

    /// <summary>
    /// Where a (re)started poller begins: at the head, with the ids missing just below it taken as gaps, since their
    /// transactions may still be open. What is already there is not published: subscribers read it from the log.
    /// </summary>
    private static async Task<RevocationSequence> AnchorAsync(RevocationLog log, CancellationToken ct)
    {
        var start = Math.Max(0, await log.HeadAsync(ct) - StartLookback);
        var sequence = new RevocationSequence(start);
        sequence.Observe(await log.IdsAfterAsync(start, ct), Environment.TickCount64, GapLifetimeMs);
        return sequence;
    }

    private async Task PollAsync(RevocationLog log, RevocationSequence sequence, CancellationToken ct)
    {
        List<RevocationEvent> page;
        do
        {
            page = await log.ReadAsync(sequence.HighWater, [.. sequence.Gaps], PageSize, ct);
            sequence.Observe(page.Select(e => e.Id), Environment.TickCount64, GapLifetimeMs);
            Publish(page);
        }
        while (page.Count == PageSize);
    }

    private void Publish(List<RevocationEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }
        lock (gate)
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Offer(events);
            }
        }
    }

    /// <summary>True at once while anyone subscribes; otherwise waits for a first subscriber and answers false.</summary>
    private async Task<bool> WaitForSubscribersAsync(CancellationToken ct)
    {
        Task waiting;
        lock (gate)
        {
            if (subscriptions.Count > 0)
            {
                return true;
            }
            if (firstSubscriber.Task.IsCompleted)
            {
                firstSubscriber = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            waiting = firstSubscriber.Task;
        }
        await waiting.WaitAsync(ct);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the revocation log failed; the feed retries on its next poll.")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}

/// <summary>One subscriber's queue of entries, from the moment it subscribed. Dispose to leave the feed.</summary>
public sealed class RevocationSubscription : IDisposable
{
    private readonly RevocationFeed feed;
    private readonly Channel<RevocationEvent> queue = Channel.CreateBounded<RevocationEvent>(
        new BoundedChannelOptions(RevocationFeed.SubscriptionCapacity) { SingleReader = true, SingleWriter = true });

    internal RevocationSubscription(RevocationFeed feed) => this.feed = feed;

    /// <summary>Completes when the subscriber fell too far behind: it must reconnect and resume from its cursor.</summary>
    public ChannelReader<RevocationEvent> Events => queue.Reader;

    internal void Offer(List<RevocationEvent> events)
    {
        foreach (var revocation in events)
        {
            if (!queue.Writer.TryWrite(revocation))
            {
                queue.Writer.TryComplete();
                return;
            }
        }
    }

    public void Dispose() => feed.Unsubscribe(this);
}
