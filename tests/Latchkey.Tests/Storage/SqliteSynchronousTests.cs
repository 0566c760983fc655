using Latchkey.Configuration;
using Latchkey.Storage;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Storage;

/// <summary>
/// <c>Latchkey:SqliteSynchronous</c> reaches every connection the server opens: <c>FULL</c> unless the operator chose
/// <c>NORMAL</c> (README "Configuration"), also the one <see cref="HotPathWrites"/> keeps. Both survive kill -9 (<see cref="Protocol.CrashTests"/> runs the server in each).
/// </summary>
public sealed class SqliteSynchronousTests
{
    /// <summary>SQLite's numbers for the modes (https://www.sqlite.org/pragma.html#pragma_synchronous).</summary>
    [Theory]
    [InlineData(null, 2)]
    [InlineData("Full", 2)]
    [InlineData("Normal", 1)]
    public async Task EveryConnection_UsesTheConfiguredMode(string? configured, long expected)
    {
        var settings = new Dictionary<string, string?>();
        if (configured is not null)
        {
            settings[$"{LatchkeyOptions.Section}:{nameof(LatchkeyOptions.SqliteSynchronous)}"] = configured;
        }
        await using var server = await LatchkeyTestServer.StartAsync(DatabaseKind.Sqlite, settings);

        var efCore = await SqliteInspection.OnEfCoreAsync(server, "synchronous");
        // And the connection HotPathWrites keeps for the token writes.
        var writer = await SqliteInspection.OnWriterAsync(server, "synchronous");

        Assert.Equal([expected, expected], efCore);
        Assert.Equal(expected, writer);
    }

    [Theory]
    [InlineData("Off")]
    [InlineData("7")]
    public async Task AnUnknownMode_RefusesToStart(string configured)
    {
        var settings = new Dictionary<string, string?> { [$"{LatchkeyOptions.Section}:{nameof(LatchkeyOptions.SqliteSynchronous)}"] = configured };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => LatchkeyTestServer.StartAsync(DatabaseKind.Sqlite, settings));

        Assert.Contains(nameof(LatchkeyOptions.SqliteSynchronous), error.ToString(), StringComparison.Ordinal);
    }
}
