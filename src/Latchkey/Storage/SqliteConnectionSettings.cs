using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Latchkey.Storage;

/// <summary>
/// The SQLite settings that last only as long as a connection (unlike journal_mode=WAL, which
/// <see cref="DatabaseMigrator"/> stores in the file once), applied each time EF Core opens one.
/// </summary>
internal sealed class SqliteConnectionSettings(SqliteSynchronous synchronous) : DbConnectionInterceptor
{
    /// <summary>SQLite's busy_timeout (the settings below), and so the longest <see cref="SqliteWriteGate"/> queues a writer.</summary>
    public const int BusyTimeoutMilliseconds = 30_000;

    /// <remarks>
    /// <c>busy_timeout</c>: a writer that finds another one holding the write lock waits inside SQLite, whose busy handler
    /// retries after 1, 2, 5, 10… ms and so takes the lock within a few milliseconds of its release. Without it SQLite
    /// answers SQLITE_BUSY at once and Microsoft.Data.Sqlite retries after a fixed 150 ms Thread.Sleep: under parallel
    /// token requests most of them waited 150 ms or more and blocked a thread-pool thread meanwhile (README "Benchmarks").
    /// 30 s is Microsoft.Data.Sqlite's own default command timeout, so a request gives up no sooner than before.
    /// </remarks>
    private readonly string settings = $"PRAGMA synchronous={synchronous.ToString().ToUpperInvariant()}; PRAGMA busy_timeout={BusyTimeoutMilliseconds};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = settings;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = settings;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
