using Latchkey.Storage;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Storage;

/// <summary>
/// On SQLite the writer of <see cref="HotPathWrites"/> never checkpoints inside a commit; <see cref="SqliteCheckpointer"/>
/// copies the WAL back beside it, and under writes that never pause the WAL is still started again from its beginning,
/// so it holds a fraction of a second of writes instead of growing without end.
/// </summary>
public sealed class SqliteCheckpointerTests
{
    private const string InsertMarker = """INSERT INTO revocations ("Kind", "ClientId", "OccurredAt") VALUES ('App', @p0, @p1)""";

    [Fact]
    public async Task TheWriter_LeavesCheckpointsToTheCheckpointer_AndEfCoreOnlyBoundsTheWal()
    {
        await using var server = await LatchkeyTestServer.StartAsync(DatabaseKind.Sqlite);

        var writer = await SqliteInspection.OnWriterAsync(server, "wal_autocheckpoint");
        var efCore = await SqliteInspection.OnEfCoreAsync(server, "wal_autocheckpoint");

        Assert.Equal(0, writer);
        Assert.All(efCore, pages => Assert.Equal(SqliteConnectionSettings.EfCoreCheckpointPages, pages));
    }

    /// <summary>
    /// A checkpoint beside a writer that keeps appending never finds the whole WAL copied, and SQLite starts the WAL
    /// again only when it does: without the writer catching up between batches the file grows without end.
    /// </summary>
    [Fact]
    public async Task UnderUnbrokenWrites_TheWalIsStartedAgain()
    {
        await using var server = await LatchkeyTestServer.StartAsync(DatabaseKind.Sqlite);
        var writes = server.Services.GetRequiredService<HotPathWrites>();
        // The WAL exists from the first write on.
        await writes.RunAsync((commands, ct) => commands.ExecuteAsync(InsertMarker, ct, "checkpoint-first", DateTimeOffset.UtcNow), CancellationToken.None);
        var firstSequence = await SqliteInspection.WalStartsAsync(server.ConnectionString) ?? 0;
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        // Eight writers that never pause, so a batch is always queued when the last one commits.
        var written = 0L;
        var restarts = 0L;
        var writers = Enumerable.Range(0, 8).Select(async writerNumber =>
        {
            while (!enough.IsCancellationRequested && Interlocked.Read(ref restarts) < 5)
            {
                await writes.RunAsync((commands, ct) => commands.ExecuteAsync(InsertMarker, ct, $"checkpoint-{writerNumber}", DateTimeOffset.UtcNow),
                    CancellationToken.None);
                Interlocked.Increment(ref written);
            }
        }).ToArray();
        while (!writers.All(w => w.IsCompleted))
        {
            await Task.Delay(50);
            Interlocked.Exchange(ref restarts, (await SqliteInspection.WalStartsAsync(server.ConnectionString) ?? firstSequence) - firstSequence);
        }
        await Task.WhenAll(writers);

        Assert.True(restarts >= 5, $"the WAL was started again {restarts} times in {written} writes");
    }
}
