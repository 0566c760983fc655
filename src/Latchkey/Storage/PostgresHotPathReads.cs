using Npgsql;

namespace Latchkey.Storage;

/// <summary>
/// PostgreSQL: a connection from Npgsql's pool (the one EF Core uses) per query, and the statement prepared once per
/// server connection: Npgsql keeps prepared statements across pooled opens, and preparing known SQL is a lookup.
/// </summary>
internal sealed class PostgresHotPathReads(string connectionString) : HotPathReads
{
    public override async Task<T> ReadAsync<T>(string sql, Func<StoredRow, T> read, CancellationToken ct, params object?[] keys)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = await PositionalCommands.PostgresAsync(connection, null, sql, keys, ct);
        // StoredRow.Next reads synchronously: these queries return a row or a few (an app's secrets), which arrive with the
        // first buffer, so it does not wait on the network.
        await using var rows = await command.ExecuteReaderAsync(ct);
        return read(new StoredRow(rows, StoredValues.Postgres));
    }
}
