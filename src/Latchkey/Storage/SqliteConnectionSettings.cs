using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Latchkey.Storage;

/// <summary>
/// The SQLite settings that last only as long as a connection (unlike journal_mode=WAL, which
/// <see cref="DatabaseMigrator"/> stores in the file once), for each kind of connection Latchkey opens: EF Core's, applied
/// the first time EF Core opens each one, and those kept beside it (the writer's, the checkpointer's, the readers').
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite pools the native connection under each <see cref="SqliteConnection"/> it opens, and a PRAGMA
/// lasts as long as that native connection, so each gets the settings once. Sent on every open (EF Core opens and closes
/// around each query), parsing and running them cost a tenth of an introspection's CPU (README "Benchmarks").
/// </remarks>
internal sealed class SqliteConnectionSettings(SqliteSynchronous synchronous) : DbConnectionInterceptor
{
    /// <summary>SQLite's busy_timeout (the settings below), and so the longest <see cref="SqliteWriteGate"/> queues a writer.</summary>
    public const int BusyTimeoutMilliseconds = 30_000;

    private readonly string settings = ForEfCore(synchronous);

    /// <summary>
    /// How full the WAL gets before an EF Core commit checkpoints it, inside that commit (SQLite's default is 1,000
    /// pages). <see cref="SqliteCheckpointer"/> starts the WAL again well before this under any load, so EF Core's commits,
    /// which hold <see cref="SqliteWriteGate"/>, never stall the token writer's queue with a checkpoint; where it does not
    /// run (the CLI, a server that has issued no token yet), they still keep the WAL to some 40 MB.
    /// </summary>
    public const int EfCoreCheckpointPages = 10_000;

    /// <summary>EF Core's connections: checkpoints only past <see cref="EfCoreCheckpointPages"/>.</summary>
    public static string ForEfCore(SqliteSynchronous synchronous) =>
        Writing(synchronous) + $" PRAGMA wal_autocheckpoint={EfCoreCheckpointPages};";

    /// <summary>The connection <see cref="SqliteHotPathWrites"/> keeps: it never checkpoints, <see cref="SqliteCheckpointer"/> does.</summary>
    public static string ForWriter(SqliteSynchronous synchronous) => Writing(synchronous) + " PRAGMA wal_autocheckpoint=0;";

    /// <summary><see cref="SqliteCheckpointer"/>'s connection: its checkpoints sync as the configured mode says.</summary>
    public static string ForCheckpointer(SqliteSynchronous synchronous) => Writing(synchronous);

    /// <summary><see cref="SqliteHotPathReads"/>' connections: a reader meets a lock only while a WAL file is being recovered.</summary>
    public static readonly string ForReader = $"PRAGMA busy_timeout={BusyTimeoutMilliseconds};";

    /// <summary>An open connection kept beside EF Core (<see cref="SqliteHotPathReads"/>, <see cref="SqliteHotPathWrites"/>), with its <paramref name="pragmas"/> run once.</summary>
    public static SqliteConnection OpenKept(string connectionString, string pragmas)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = pragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>What every connection that writes runs.</summary>
    /// <remarks>
    /// <c>busy_timeout</c>: a writer that finds another one holding the write lock waits inside SQLite, whose busy handler
    /// retries after 1, 2, 5, 10… ms and so takes the lock within a few milliseconds of its release. Without it SQLite
    /// answers SQLITE_BUSY at once and Microsoft.Data.Sqlite retries after a fixed 150 ms Thread.Sleep: under parallel
    /// token requests most of them waited 150 ms or more and blocked a thread-pool thread meanwhile (README "Benchmarks").
    /// 30 s is Microsoft.Data.Sqlite's own default command timeout, so a request gives up no sooner than before.
    /// <para>
    /// <c>temp_store=MEMORY</c>: a savepoint keeps the pages it changes in a sub-journal, which SQLite otherwise writes to
    /// a temporary file once it passes 64 KiB. <see cref="SqliteHotPathWrites"/> runs each request's work in a savepoint,
    /// and its batches wrote every changed page twice, once there and once to the WAL: half of a token request's write
    /// syscalls (README "Benchmarks"). In memory the sub-journal lasts only as long as its transaction, and nothing that
    /// needs to survive a crash is ever in it. What it costs is memory: a large sort without an index, or a large
    /// transaction's sub-journal, is held in RAM instead of a file; nothing Latchkey runs is either.
    /// </para>
    /// </remarks>
    private static string Writing(SqliteSynchronous synchronous) =>
        $"PRAGMA synchronous={synchronous.ToString().ToUpperInvariant()}; PRAGMA busy_timeout={BusyTimeoutMilliseconds}; PRAGMA temp_store=MEMORY;";

    /// <summary>The native connections that have the settings; one goes when it is closed for good.</summary>
    private readonly ConditionalWeakTable<sqlite3, object> configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsNew(connection, out var handle))
        {
            using var command = connection.CreateCommand();
            command.CommandText = settings;
            command.ExecuteNonQuery();
            Configured(handle);
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsNew(connection, out var handle))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = settings;
            await command.ExecuteNonQueryAsync(cancellationToken);
            Configured(handle);
        }
    }

    /// <summary>True when the native connection under <paramref name="connection"/> has not had the settings. A native
    /// connection is used by one open connection at a time, so nothing else configures it between this and <see cref="Configured"/>.</summary>
    private bool IsNew(DbConnection connection, out sqlite3? handle)
    {
        handle = ((SqliteConnection)connection).Handle;
        return handle is null || !configured.TryGetValue(handle, out _);
    }

    /// <summary>Only once the settings ran: an open that failed on them leaves the native connection to get them next time.</summary>
    private void Configured(sqlite3? handle)
    {
        if (handle is not null)
        {
            configured.AddOrUpdate(handle, this);
        }
    }
}
