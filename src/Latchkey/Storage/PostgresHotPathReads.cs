using System.Data;
using Npgsql;

namespace Latchkey.Storage;

/// <summary>
/// PostgreSQL: a connection from Npgsql's pool (the one EF Core uses) per query, and the statement prepared once per
/// server connection: Npgsql keeps prepared statements across pooled opens, and preparing known SQL is a lookup.
/// </summary>
internal sealed class PostgresHotPathReads(string connectionString) : HotPathReads
{
    public override async Task<T?> SingleOrDefaultAsync<T>(string sql, byte[] key, Func<StoredRow, T> map, CancellationToken ct)
        where T : class
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<byte[]>("key", key));
        await command.PrepareAsync(ct);
        await using var row = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        return await row.ReadAsync(ct) ? map(new StoredRow(row, StoredValues.Postgres)) : null;
    }
}
