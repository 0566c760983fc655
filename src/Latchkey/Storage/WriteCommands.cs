using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Latchkey.Storage;

/// <summary>
/// SQL statements run inside a write transaction that is already open: one of <see cref="HotPathWrites"/>, or a request's
/// own EF Core transaction (<see cref="Joining"/>). Parameters are positional, <c>@p0</c>, <c>@p1</c>…, and go in, and
/// columns come out, as the provider stores them (<see cref="StoredValues"/>), so one statement serves both providers'
/// migrated schemas.
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

    /// <summary>The first row <paramref name="sql"/> finds, mapped; null when it finds none.</summary>
    public abstract Task<T?> SingleOrDefaultAsync<T>(string sql, Func<StoredRow, T> map, CancellationToken ct, params object?[] values)
        where T : class;
}
