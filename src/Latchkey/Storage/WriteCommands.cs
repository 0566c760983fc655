using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Latchkey.Storage;

/// <summary>
/// SQL statements run inside a write transaction that is already open: one of <see cref="HotPathWrites"/>, or a request's
/// own EF Core transaction (<see cref="Joining"/>). Parameters are positional, <c>@p0</c>, <c>@p1</c>…, and values go in
/// as the provider stores them (<see cref="Id"/>, <see cref="Time"/>, <see cref="Strings"/>), so one statement serves
/// both providers' migrated schemas.
/// </summary>
public abstract class WriteCommands
{
    /// <summary>Statements inside the EF Core transaction <paramref name="db"/> has open, seen by everything it does next.</summary>
    public static WriteCommands Joining(LatchkeyDbContext db)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("WriteCommands.Joining needs a transaction the context has begun.");
        return db.Database.GetDbConnection() switch
        {
            NpgsqlConnection connection => new PostgresWriteCommands(connection, (NpgsqlTransaction)transaction),
            var connection => new SqliteWriteCommands((SqliteConnection)connection, (SqliteTransaction)transaction, kept: null),
        };
    }

    /// <summary>Runs <paramref name="sql"/> with <paramref name="values"/> as <c>@p0</c>…; the number of rows it changed.</summary>
    public abstract Task<int> ExecuteAsync(string sql, CancellationToken ct, params object?[] values);

    /// <summary>Runs <paramref name="sql"/> and returns the first column of its first row (an <c>INSERT … RETURNING</c>'s key).</summary>
    public abstract Task<long> ScalarAsync(string sql, CancellationToken ct, params object?[] values);

    /// <summary>A <see cref="Guid"/> as the provider stores it (SQLite: EF Core's upper-case text).</summary>
    public abstract object Id(Guid value);

    /// <summary>A <see cref="DateTimeOffset"/> as the provider stores it (SQLite: <see cref="SqliteLatchkeyDbContext"/>'s number).</summary>
    public abstract object? Time(DateTimeOffset? value);

    /// <summary>A list of strings as the provider stores it (PostgreSQL <c>text[]</c>, SQLite EF Core's JSON array).</summary>
    public abstract object Strings(IReadOnlyList<string> values);
}
