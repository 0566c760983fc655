using System.Data;
using Npgsql;

namespace Latchkey.Storage;

/// <summary>
/// PostgreSQL's <see cref="WriteCommands"/>, each statement prepared (<see cref="PositionalCommands.PostgresAsync"/>).
/// </summary>
internal sealed class PostgresWriteCommands(NpgsqlConnection connection, NpgsqlTransaction transaction) : WriteCommands
{
    public override async Task<int> ExecuteAsync(string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = await PositionalCommands.PostgresAsync(connection, transaction, sql, values, ct);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task<long> ScalarAsync(string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = await PositionalCommands.PostgresAsync(connection, transaction, sql, values, ct);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public override async Task<T?> SingleOrDefaultAsync<T>(string sql, Func<StoredRow, T> map, CancellationToken ct, params object?[] values)
        where T : class
    {
        await using var command = await PositionalCommands.PostgresAsync(connection, transaction, sql, values, ct);
        await using var row = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        return await row.ReadAsync(ct) ? map(new StoredRow(row, StoredValues.Postgres)) : null;
    }
}
