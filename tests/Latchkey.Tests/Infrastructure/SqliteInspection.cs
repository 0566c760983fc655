using System.Buffers.Binary;
using Latchkey.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Infrastructure;

/// <summary>What a running server's SQLite connections and files say about themselves.</summary>
public static class SqliteInspection
{
    /// <summary>
    /// A PRAGMA's value on EF Core's connection, read through two contexts in turn: the second comes from the pool of
    /// contexts, configured once already.
    /// </summary>
    public static async Task<long[]> OnEfCoreAsync(LatchkeyTestServer server, string pragma)
    {
        // A PRAGMA's name is no value a parameter can carry; the tests name it.
        var sql = "PRAGMA " + pragma;
        var values = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            values.AddRange(await server.WithDbAsync(db => db.Database.SqlQueryRaw<long>(sql).ToListAsync()));
        }
        return [.. values];
    }

    /// <summary>A PRAGMA's value on the connection <see cref="HotPathWrites"/> keeps.</summary>
    public static Task<long> OnWriterAsync(LatchkeyTestServer server, string pragma) =>
        server.Services.GetRequiredService<HotPathWrites>()
            .RunAsync((commands, ct) => commands.ScalarAsync($"PRAGMA {pragma}", ct), CancellationToken.None);

    /// <summary>
    /// How many times the database's WAL was started again from its beginning, from its header
    /// (https://www.sqlite.org/fileformat2.html#walformat, the checkpoint sequence number); null before the first write
    /// of the connections now open, which creates it.
    /// </summary>
    public static async Task<long?> WalStartsAsync(string connectionString)
    {
        var wal = new SqliteConnectionStringBuilder(connectionString).DataSource + "-wal";
        if (!File.Exists(wal))
        {
            return null;
        }
        await using var file = new FileStream(wal, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = new byte[16];
        await file.ReadExactlyAsync(header);
        return BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12));
    }
}
