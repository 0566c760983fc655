using System.Data;
using Microsoft.Data.Sqlite;

namespace Latchkey.Storage;

/// <summary>
/// SQLite's <see cref="WriteCommands"/>. On <see cref="SqliteHotPathWrites"/>' kept connection each statement is prepared
/// once and kept in <paramref name="kept"/>; in a request's EF Core transaction it is prepared for the one use, since
/// EF Core closes that connection at the transaction's end, and a prepared statement goes with it.
/// </summary>
internal sealed class SqliteWriteCommands(SqliteConnection connection, SqliteTransaction transaction, Dictionary<string, SqliteCommand>? kept)
    : WriteCommands
{
    // Microsoft.Data.Sqlite runs every statement synchronously; its async methods would too, at the cost of a Task each.
    public override Task<int> ExecuteAsync(string sql, CancellationToken ct, params object?[] values)
    {
        var command = Command(sql, values);
        try
        {
            return Task.FromResult(command.ExecuteNonQuery());
        }
        finally
        {
            Done(command);
        }
    }

    public override Task<long> ScalarAsync(string sql, CancellationToken ct, params object?[] values)
    {
        var command = Command(sql, values);
        try
        {
            return Task.FromResult((long)command.ExecuteScalar()!);
        }
        finally
        {
            Done(command);
        }
    }

    public override Task<T?> SingleOrDefaultAsync<T>(string sql, Func<StoredRow, T> map, CancellationToken ct, params object?[] values)
        where T : class
    {
        var command = Command(sql, values);
        try
        {
            using var row = command.ExecuteReader(CommandBehavior.SingleRow);
            return Task.FromResult(row.Read() ? map(new StoredRow(row, StoredValues.Sqlite)) : null);
        }
        finally
        {
            Done(command);
        }
    }

    private SqliteCommand Command(string sql, object?[] values)
    {
        SqliteCommand? command = null;
        if (kept is null || !kept.TryGetValue(sql, out command))
        {
            command = PositionalCommands.Sqlite(connection, sql, values.Length);
            if (kept is not null)
            {
                command.Prepare();
                kept.Add(sql, command);
            }
        }
        command.Transaction = transaction;
        PositionalCommands.Bind(command, values);
        return command;
    }

    private void Done(SqliteCommand command)
    {
        if (kept is null)
        {
            command.Dispose();
        }
    }
}
