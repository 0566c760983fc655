using System.Threading.Channels;
using Latchkey.Configuration;
using Microsoft.Extensions.Options;

namespace Latchkey.Revocations;

/// <summary>
/// One process's reader of the revocation log, shared by every subscriber connected to it: it follows the log
/// (<see cref="RevocationFeedOptions.PollInterval"/>) from the moment the server starts and hands each new entry to
/// every subscription present when the entry was read. Polling the shared database, not an in-process signal, is what
/// makes a revocation done by any node reach the subscribers of every node.
/// </summary>
/// <remarks>
/// Why no subscriber misses an entry: a subscription exists before its stream reads the backlog. An entry committed
/// before that read is in the backlog; one committed after it is read by a later poll (above the high-water mark, or
/// as a gap below it: <see cref="RevocationSequence"/>) and published to the subscription. That holds only if the
/// poller never loses its place, so it keeps following the log while nobody listens, and streams start only after it
/// has taken its place at startup (<see cref="WaitUntilFollowingAsync"/>).
/// </remarks>
public sealed partial class RevocationFeed(IServiceScopeFactory scopes, IOptions<LatchkeyOptions> options, ILogger<RevocationFeed> logger)
    : BackgroundService
{
    /// <summary>Entries a subscription may have waiting; a subscriber that falls further behind is cut off and
    /// resumes from its cursor, reading the backlog from the database instead of this process's memory.</summary>
    public const int SubscriptionCapacity = 10_000;

    /// <summary>Open streams per resource-server credential: enough for every process of a resource server, and a bound
    /// on what one credential can hold open.</summary>
    public const int MaxSubscriptionsPerSubscriber = 16;

    /// <summary>How far below the head the poller looks at startup for entries whose transactions are still open.</summary>
    private const int StartLookback = 1_000;

    private static readonly long GapLifetimeMs = (long)RevocationFeedOptions.CommitWindow.TotalMilliseconds;

    private readonly Lock gate = new();
    private readonly HashSet<RevocationSubscription> subscriptions = [];
    private readonly TaskCompletionSource following = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long lastReadAt = long.MinValue;

    /// <summary>
    /// False while the log cannot be read: the feed cannot vouch that nothing is being missed, so streams end and
    /// subscribers fall back to short cache lifetimes (README "Revocation feed"). A few missed polls are tolerated.
    /// </summary>
    public bool IsFollowing
    {
        get
        {
            var allowed = Math.Max(2_000, 5 * (long)options.Value.Revocations.PollInterval.TotalMilliseconds);
            return Environment.TickCount64 - Interlocked.Read(ref lastReadAt) <= allowed;
        }
    }

    /// <summary>Completes once the poller has its place in the log; a stream must not read the backlog before.</summary>
    public Task WaitUntilFollowingAsync(CancellationToken ct) => following.Task.WaitAsync(ct);

    /// <summary>A new subscription for <paramref name="subscriber"/>, or null when it already holds its share.</summary>
    public RevocationSubscription? TrySubscribe(string subscriber)
    {
        lock (gate)
        {
            if (subscriptions.Count(s => s.Subscriber == subscriber) >= MaxSubscriptionsPerSubscriber)
            {
                return null;
            }
            var subscription = new RevocationSubscription(this, subscriber);
            subscriptions.Add(subscription);
            return subscription;
        }
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
        RevocationSequence? sequence = null;
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var log = scope.ServiceProvider.GetRequiredService<RevocationLog>();
                if (sequence is null)
                {
                    sequence = await AnchorAsync(log, stoppingToken);
                    following.TrySetResult();
                }
                await PollAsync(log, sequence, stoppingToken);
                Interlocked.Exchange(ref lastReadAt, Environment.TickCount64);
                if (failing)
                {
                    LogPollRecovered(logger);
                    failing = false;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A lost connection, or an entry this version cannot read: the place in the log is kept, and the next
                // poll goes on from it. Meanwhile IsFollowing turns false and streams end. Logged once, not five times a second.
                if (!failing)
                {
                    LogPollFailed(logger, e);
                    failing = true;
                }
            }
            await Task.Delay(options.Value.Revocations.PollInterval, stoppingToken);
        }
    }

    /// <summary>
    /// Where the poller begins: at the head, with the ids missing just below it taken as gaps, since their
    /// transactions may still be open. What is already there is not published: streams read it from the log.
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
            page = await log.ReadAsync(sequence.HighWater, [.. sequence.Gaps], ct);
            sequence.Observe(page.Select(e => e.Id), Environment.TickCount64, GapLifetimeMs);
            Publish(page);
        }
        while (page.Count == RevocationLog.PageSize);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading the revocation log failed; revocation streams are closed until it can be read again, and it is retried on every poll.")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The revocation log can be read again; revocation streams are accepted.")]
    private static partial void LogPollRecovered(ILogger logger);
}

/// <summary>One subscriber's queue of entries, from the moment it subscribed. Dispose to leave the feed.</summary>
public sealed class RevocationSubscription : IDisposable
{
    private readonly RevocationFeed feed;
    private readonly Channel<RevocationEvent> queue = Channel.CreateBounded<RevocationEvent>(
        new BoundedChannelOptions(RevocationFeed.SubscriptionCapacity) { SingleReader = true, SingleWriter = true });

    internal RevocationSubscription(RevocationFeed feed, string subscriber)
    {
        this.feed = feed;
        Subscriber = subscriber;
    }

    /// <summary>The resource server's client id.</summary>
    public string Subscriber { get; }

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
