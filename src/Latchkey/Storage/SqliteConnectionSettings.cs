using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Latchkey.Storage;

/// <summary>
/// The SQLite settings that last only as long as a connection (unlike journal_mode=WAL, which
/// <see cref="DatabaseMigrator"/> stores in the file once), applied each time EF Core opens one.
/// </summary>
internal sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSettings Instance = new();

    /// <summary>SQLite's busy_timeout (<see cref="Settings"/>), and so the longest <see cref="SqliteWriteGate"/> queues a writer.</summary>
    public const int BusyTimeoutMilliseconds = 30_000;

    /// <summary>
    /// <c>synchronous=FULL</c>, whatever the SQLite build's default. In WAL mode NORMAL would already
    /// survive a crash of the process (kill -9: committed WAL frames are in the operating system's cache),
    /// but a power loss or an operating-system crash may roll back the last transactions
    /// (https://www.sqlite.org/pragma.html#pragma_synchronous). Here that would resurrect what a
    /// rolled-back revocation had ended (an uninstall, a reuse-revoked family) and forget tokens a client
    /// has already received (DESIGN.md rule 8), so each commit syncs the WAL: one fsync per token issued.
    /// </summary>
    /// <remarks>
    /// <c>busy_timeout</c>: a writer that finds another one holding the write lock waits inside SQLite, whose busy handler
    /// retries after 1, 2, 5, 10… ms and so takes the lock within a few milliseconds of its release. Without it SQLite
    /// answers SQLITE_BUSY at once and Microsoft.Data.Sqlite retries after a fixed 150 ms Thread.Sleep: under parallel
    /// token requests most of them waited 150 ms or more and blocked a thread-pool thread meanwhile (README "Benchmarks").
    /// 30 s is Microsoft.Data.Sqlite's own default command timeout, so a request gives up no sooner than before.
    /// </remarks>
    private static readonly string Settings = $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={BusyTimeoutMilliseconds};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Settings;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Settings;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
