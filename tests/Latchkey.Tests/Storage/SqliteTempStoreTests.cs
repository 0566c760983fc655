using Latchkey.Storage;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Storage;

/// <summary>
/// SQLite keeps its temporary files in memory on every connection that writes, so a savepoint's sub-journal is never a
/// file written beside the WAL (<see cref="SqliteConnectionSettings"/>).
/// </summary>
public sealed class SqliteTempStoreTests
{
    /// <summary>SQLite's number for MEMORY (https://www.sqlite.org/pragma.html#pragma_temp_store).</summary>
    private const long Memory = 2;

    [Fact]
    public async Task EveryWritingConnection_KeepsTemporaryFilesInMemory()
    {
        await using var server = await LatchkeyTestServer.StartAsync(DatabaseKind.Sqlite);

        var efCore = await SqliteInspection.OnEfCoreAsync(server, "temp_store");
        var writer = await SqliteInspection.OnWriterAsync(server, "temp_store");

        Assert.Equal([Memory, Memory], efCore);
        Assert.Equal(Memory, writer);
    }
}
