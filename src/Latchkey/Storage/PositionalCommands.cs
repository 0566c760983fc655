using Microsoft.Data.Sqlite;
using Npgsql;

namespace Latchkey.Storage;

/// <summary>
/// The commands of the SQL beside EF Core (<see cref="HotPathReads"/>, <see cref="WriteCommands"/>): parameters
/// <c>@p0</c>, <c>@p1</c>…, bound as the provider stores their values (<see cref="StoredValues"/>).
/// </summary>
internal static class PositionalCommands
{
    /// <summary>A SQLite command for <paramref name="sql"/> with <paramref name="parameters"/> parameters, typed by each value bound (a hash is a blob, a client id text).</summary>
    public static SqliteCommand Sqlite(SqliteConnection connection, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = $"@p{i}" });
        }
        return command;
    }

    public static void Bind(SqliteCommand command, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = StoredValues.Sqlite.Parameter(values[i]);
        }
    }

    /// <summary>
    /// A PostgreSQL command for <paramref name="sql"/> with <paramref name="values"/> bound, prepared: Npgsql keeps prepared
    /// statements per server connection across pooled opens, so known SQL is parsed and planned once per connection.
    /// </summary>
    public static async Task<NpgsqlCommand> PostgresAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql,
        object?[] values, CancellationToken ct)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.Add(new NpgsqlParameter($"p{i}", StoredValues.Postgres.Parameter(values[i])));
        }
        await command.PrepareAsync(ct);
        return command;
    }
}
