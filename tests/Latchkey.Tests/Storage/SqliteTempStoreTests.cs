using Latchkey.Storage;
using Latchkey.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Storage;

/// <summary>
/// SQLite keeps its temporary files in memory on every connection that writes, so a savepoint's sub-journal is never a
/// file written beside the WAL (<see cref="SqliteConnectionSettings.For"/>).
/// </summary>
public sealed class SqliteTempStoreTests
{
    /// <summary>SQLite's number for MEMORY (https://www.sqlite.org/pragma.html#pragma_temp_store).</summary>
    private const long Memory = 2;

    [Fact]
    public async Task EveryWritingConnection_KeepsTemporaryFilesInMemory()
    {
        await using var server = await LatchkeyTestServer.StartAsync(DatabaseKind.Sqlite);

        // Two contexts in turn: the second comes from the pool of contexts, configured once already.
        for (var i = 0; i < 2; i++)
        {
            var mode = await server.WithDbAsync(db => db.Database.SqlQueryRaw<long>("PRAGMA temp_store").ToListAsync());
            Assert.Equal([Memory], mode);
        }
        var writes = server.Services.GetRequiredService<HotPathWrites>();
        Assert.Equal(Memory, await writes.RunAsync((commands, ct) => commands.ScalarAsync("PRAGMA temp_store", ct), CancellationToken.None));
    }
}
