using Latchkey.Revocations;
using Latchkey.Storage;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Revocations;

/// <summary>
/// The log behind the feed, where the database decides: on PostgreSQL an entry can commit after a higher id was already
/// sent (ids are handed out at insert), and a subscriber must still get it, live or on resuming. Pruning past a
/// subscriber's cursor makes it start over.
/// </summary>
public sealed class RevocationLogTests
{
    [Fact]
    public async Task AnEntryCommittedLate_BelowOnesAlreadySent_IsStillDelivered()
    {
        await using var server = await LatchkeyTestServer.StartAsync(DatabaseKind.Postgres);
        using var http = server.CreateClient();
        await using var feed = await FeedSubscriber.ConnectAsync(http, await server.ResourceServerAsync());
        await feed.ReadyAsync();
        await using var slow = await OpenEntryAsync(server);

        var early = await CommitEntryAsync(server);
        var sentFirst = await NextAboutAsync(feed, early);
        await slow.CommitAsync();
        var sentLate = await NextAboutAsync(feed, slow.InstallationId);

        Assert.True(slow.Id < long.Parse(sentFirst.Id!), "the late entry has the lower id");
        Assert.Equal(sentFirst.Id, sentLate.Id); // the cursor never moves back
    }

    [Fact]
    public async Task AnEntryCommittedLate_WhileTheSubscriberWasAway_IsReplayedOnResume()
    {
        await using var server = await LatchkeyTestServer.StartAsync(DatabaseKind.Postgres);
        var credentials = await server.ResourceServerAsync();
        using var http = server.CreateClient();
        await using var slow = await OpenEntryAsync(server);
        string cursor;
        await using (var feed = await FeedSubscriber.ConnectAsync(http, credentials))
        {
            await feed.ReadyAsync();
            cursor = (await NextAboutAsync(feed, await CommitEntryAsync(server))).Id!;
        }

        await slow.CommitAsync();
        await using var resumed = await FeedSubscriber.ConnectAsync(http, credentials, lastEventId: cursor);

        Assert.Contains(await resumed.ReadyAsync(), e => e.Member("installation_id") == slow.InstallationId.ToString());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ACursorPrunedPast_GetsReset_AndTheHeadIsKept(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var first = await CommitEntryAsync(server);
        await CommitEntryAsync(server);
        await CommitEntryAsync(server);
        var cursor = await server.WithDbAsync(db => Task.FromResult(db.Revocations.Single(r => r.InstallationId == first).Id));

        var pruned = await server.WithScopeAsync(services => services.GetRequiredService<RevocationLog>().PruneAsync(DateTimeOffset.UtcNow.AddDays(1), default));

        Assert.Equal(2, pruned);
        using var http = server.CreateClient();
        await using var feed = await FeedSubscriber.ConnectAsync(http, await server.ResourceServerAsync(), lastEventId: cursor.ToString());
        var events = await feed.ReadyAsync();
        Assert.Equal(["reset", "ready"], events.Select(e => e.Type));
        Assert.Equal((cursor + 2).ToString(), events[^1].Id);
    }

    /// <summary>These tests are about order, not delay (<see cref="RevocationFeedTests"/> time the feed), and each starts
    /// a server whose first read of the log compiles its queries: a generous wait.</summary>
    private static async Task<FeedEvent> NextAboutAsync(FeedSubscriber feed, Guid installationId) =>
        (await feed.UntilAsync(e => e.Member("installation_id") == installationId.ToString(), TimeSpan.FromSeconds(5)))[^1];

    private static Task<Guid> CommitEntryAsync(LatchkeyTestServer server) =>
        server.WithDbAsync(async db =>
        {
            var installationId = Guid.NewGuid();
            db.Revocations.Add(Revocation.OfInstallation(installationId, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
            return installationId;
        });

    /// <summary>An entry inserted in a transaction left open: it holds its id, unseen, until committed.</summary>
    private static async Task<OpenEntry> OpenEntryAsync(LatchkeyTestServer server)
    {
        var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>();
        var transaction = await db.Database.BeginTransactionAsync();
        var entry = Revocation.OfInstallation(Guid.NewGuid(), DateTimeOffset.UtcNow);
        db.Revocations.Add(entry);
        await db.SaveChangesAsync();
        return new OpenEntry(scope, transaction, entry);
    }

    private sealed class OpenEntry(AsyncServiceScope scope, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, Revocation entry)
        : IAsyncDisposable
    {
        public long Id => entry.Id;
        public Guid InstallationId => entry.InstallationId!.Value;

        public Task CommitAsync() => transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await scope.DisposeAsync();
        }
    }
}

/// <summary>The poller's bookkeeping of ids jumped over (<see cref="RevocationSequence"/>).</summary>
public sealed class RevocationSequenceTests
{
    [Fact]
    public void IdsJumpedOver_AreGaps_UntilTheyShowUp()
    {
        var sequence = new RevocationSequence(10);

        sequence.Observe([11, 14], now: 0, gapLifetimeMs: 1000);
        Assert.Equal(14, sequence.HighWater);
        Assert.Equal([12, 13], sequence.Gaps.Order());

        sequence.Observe([13], now: 10, gapLifetimeMs: 1000);
        Assert.Equal(14, sequence.HighWater);
        Assert.Equal([12], sequence.Gaps);
    }

    [Fact]
    public void AGapOlderThanAnyTransaction_IsForgotten()
    {
        var sequence = new RevocationSequence(0);
        sequence.Observe([3], now: 0, gapLifetimeMs: 1000);

        sequence.Observe([], now: 999, gapLifetimeMs: 1000);
        Assert.Equal(2, sequence.Gaps.Count);
        sequence.Observe([], now: 1001, gapLifetimeMs: 1000);
        Assert.Empty(sequence.Gaps);
    }

    [Fact]
    public void AHugeJump_TracksOnlyTheIdsJustBelowIt()
    {
        var sequence = new RevocationSequence(0);

        sequence.Observe([1_000_000], now: 0, gapLifetimeMs: 1000);

        Assert.Equal(RevocationSequence.MaxGaps, sequence.Gaps.Count);
        Assert.Equal(1_000_000 - RevocationSequence.MaxGaps, sequence.Gaps.Min());
    }
}
