using Latchkey.Storage;
using Latchkey.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Latchkey.Tests.Storage;

/// <summary>
/// <see cref="HotPathWrites"/>: each piece of work is all or nothing and is answered only once committed, also when, on
/// SQLite, it shares its transaction and commit with the other work queued meanwhile (group commit).
/// </summary>
public sealed class HotPathWritesTests
{
    private const int Pieces = 20;

    /// <summary>A row only these tests write: an app-deletion entry names its client id, which here names the piece of work.</summary>
    private const string InsertMarker = """INSERT INTO revocations ("Kind", "ClientId", "OccurredAt") VALUES ('App', @p0, @p1)""";

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task WorkThatThrows_IsUndoneAlone_AndTheWorkQueuedWithItCommits(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var writes = server.Services.GetRequiredService<HotPathWrites>();
        var failing = Enumerable.Range(0, Pieces).Where(i => i % 5 == 2).ToHashSet();

        Task<string>[] answers;
        // On SQLite the writer waits for the lock this transaction holds, so the pieces queue up and most share a batch.
        await using (await WriteLock.HoldAsync(server))
        {
            var runs = Enumerable.Range(0, Pieces).Select(i => writes.RunAsync(async (commands, ct) =>
            {
                await commands.ExecuteAsync(InsertMarker, ct, Marker(i), DateTimeOffset.UtcNow);
                return failing.Contains(i) ? throw new InvalidOperationException($"piece {i} fails after its insert") : Marker(i);
            }, CancellationToken.None)).ToArray();
            // What each caller sees the moment its answer arrives: its row already committed, read on another connection.
            answers = [.. runs.Select(async (run, i) =>
            {
                try
                {
                    var marker = await run;
                    return (await StoredMarkersAsync(server)).Contains(marker) ? "committed" : "answered before its commit";
                }
                catch (InvalidOperationException e) when (e.Message.Contains($"piece {i}", StringComparison.Ordinal))
                {
                    return "failed";
                }
            })];
            if (kind == DatabaseKind.Sqlite)
            {
                // The commit waits for the lock, and so does every answer.
                await Task.Delay(TimeSpan.FromMilliseconds(300));
                Assert.DoesNotContain(runs, run => run.IsCompleted);
            }
        }

        Assert.Equal(Enumerable.Range(0, Pieces).Select(i => failing.Contains(i) ? "failed" : "committed"), await Task.WhenAll(answers));
        var expected = Enumerable.Range(0, Pieces).Where(i => !failing.Contains(i)).Select(Marker).Order();
        Assert.Equal(expected, await StoredMarkersAsync(server));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task WorkCancelledBeforeItStarts_NeverRuns(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var writes = server.Services.GetRequiredService<HotPathWrites>();
        var ran = false;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writes.RunAsync(async (commands, ct) =>
        {
            ran = true;
            return await commands.ExecuteAsync(InsertMarker, ct, Marker(0), DateTimeOffset.UtcNow);
        }, new CancellationToken(canceled: true)));

        Assert.False(ran);
        Assert.Empty(await StoredMarkersAsync(server));
        // The writer goes on with the next piece of work.
        Assert.Equal(1, await writes.RunAsync((commands, ct) =>
            commands.ExecuteAsync(InsertMarker, ct, Marker(1), DateTimeOffset.UtcNow), CancellationToken.None));
    }

    /// <summary>On SQLite the writer runs the work: work queued from there would wait for itself, so it fails at once.</summary>
    [Fact]
    public async Task WorkThatQueuesMoreWork_FailsAtOnce_InsteadOfWaitingForItself()
    {
        await using var server = await LatchkeyTestServer.StartAsync(DatabaseKind.Sqlite);
        var writes = server.Services.GetRequiredService<HotPathWrites>();

        var nested = writes.RunAsync(async (commands, ct) =>
        {
            await commands.ExecuteAsync(InsertMarker, ct, Marker(0), DateTimeOffset.UtcNow);
            return await writes.RunAsync((inner, innerCt) => inner.ExecuteAsync(InsertMarker, innerCt, Marker(1), DateTimeOffset.UtcNow), ct);
        }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => nested.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("wait for itself", error.Message, StringComparison.Ordinal);
        Assert.Empty(await StoredMarkersAsync(server));
    }

    private static string Marker(int piece) => $"hot-path-write-{piece:D2}";

    private static Task<List<string>> StoredMarkersAsync(LatchkeyTestServer server) =>
        server.WithDbAsync(db => db.Revocations
            .Where(r => r.ClientId != null && r.ClientId.StartsWith("hot-path-write-"))
            .Select(r => r.ClientId!)
            .OrderBy(id => id)
            .ToListAsync());

    /// <summary>An EF Core write transaction held open: on SQLite it holds the write gate and SQLite's write lock.</summary>
    private sealed class WriteLock : IAsyncDisposable
    {
        private readonly AsyncServiceScope _scope;
        private readonly IDbContextTransaction _transaction;

        private WriteLock(AsyncServiceScope scope, IDbContextTransaction transaction)
        {
            _scope = scope;
            _transaction = transaction;
        }

        public static async Task<WriteLock> HoldAsync(LatchkeyTestServer server)
        {
            var scope = server.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>();
            return new WriteLock(scope, await db.Database.BeginTransactionAsync());
        }

        public async ValueTask DisposeAsync()
        {
            await _transaction.CommitAsync();
            await _transaction.DisposeAsync();
            await _scope.DisposeAsync();
        }
    }
}
