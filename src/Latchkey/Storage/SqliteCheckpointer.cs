using Microsoft.Data.Sqlite;

namespace Latchkey.Storage;

/// <summary>
/// Copies the WAL back into the database file beside <see cref="SqliteHotPathWrites"/>' writer, so that its commits
/// never do.
/// </summary>
/// <remarks>
/// By default SQLite checkpoints inside the commit that takes the WAL past 1,000 pages. Under token requests that was
/// every few dozen milliseconds, on the writer that every request queues for: the checkpoint read back and copied some
/// hundreds of pages and fsynced the database file while the whole queue waited, and its copies were a third of the
/// writer's syscalls (README "Benchmarks"). The writer turns that off (<c>wal_autocheckpoint=0</c>), and this runs a
/// PASSIVE checkpoint, which waits for no reader or writer, every <see cref="Interval"/> while writes come in: on
/// another core, and copying each page changed meanwhile once, however often it was written.
/// <para>
/// A checkpoint beside a busy writer never copies all of the WAL, since the writer appends while it copies, and SQLite
/// starts the WAL again from its beginning only at a write that finds all of it copied: left at that, the file grows
/// without end. So after each pass the writer, between two batches, copies the little appended meanwhile
/// (<see cref="CatchUp"/>), and its next commit can start the WAL again: under a full load of token requests it starts
/// again about five times a second and peaks at a few tens of megabytes. The checkpoints sync the WAL before copying
/// and the database file after, under the configured synchronous mode, as SQLite's own would.
/// </para>
/// </remarks>
internal sealed partial class SqliteCheckpointer : IDisposable
{
    /// <summary>Short enough that the WAL holds a fraction of a second of writes; long enough that a hot page is copied once for hundreds of writes.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>A pass ends once a checkpoint finds no more than this many pages appended since the one before: about what the writer's catch-up then copies, a millisecond's work.</summary>
    private const long LeftForTheWriter = 256;

    /// <summary>Each checkpoint of a pass copies what was appended while the one before ran, so a few bring it down to that.</summary>
    private const int MostCheckpointsPerPass = 4;

    private readonly string connectionString;
    private readonly string settings;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task loop;

    /// <summary>1 once the writer committed since the last checkpoint.</summary>
    private int written;

    /// <summary>1 once a pass ended that the writer has not caught up with.</summary>
    private int passed;

    public SqliteCheckpointer(string connectionString, string settings, ILogger logger)
    {
        this.connectionString = connectionString;
        this.settings = settings;
        this.logger = logger;
        loop = Task.Run(RunAsync);
    }

    /// <summary>The writer committed: the next tick checkpoints.</summary>
    public void Committed() => Volatile.Write(ref written, 1);

    /// <summary>
    /// Run by the writer on its connection between two batches: after a pass, copies what was appended while it ran, so
    /// that the writer's next commit finds the whole WAL copied and starts it again.
    /// </summary>
    public void CatchUp(SqliteConnection writer)
    {
        // Once per pass: when it overlaps the next pass it does nothing (SQLite runs one checkpoint at a time), and
        // that pass asks again.
        if (Interlocked.Exchange(ref passed, 0) == 1)
        {
            _ = Checkpoint(writer);
        }
    }

    private async Task RunAsync()
    {
        using var ticks = new PeriodicTimer(Interval);
        SqliteConnection? connection = null;
        try
        {
            while (await ticks.WaitForNextTickAsync(stopping.Token))
            {
                if (Interlocked.Exchange(ref written, 0) == 1)
                {
                    connection = Pass(connection);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed. What is left stays in the WAL, committed, for the next checkpoint (SQLite's own when the last
            // connection to the file closes).
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>
    /// Runs one pass: checkpoints until little is left for the writer's catch-up, which stalls its queue for as long as
    /// it takes. The connection to keep; none after a failure, and the next tick opens another.
    /// </summary>
    private SqliteConnection? Pass(SqliteConnection? connection)
    {
        try
        {
            connection ??= SqliteConnectionSettings.OpenKept(connectionString, settings);
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
            return null;
        }
        long? before = null;
        for (var checkpoint = 0; checkpoint < MostCheckpointsPerPass; checkpoint++)
        {
            if (Checkpoint(connection) is not { } pages)
            {
                connection.Dispose();
                return null;
            }
            // What was appended while the checkpoint before ran: about what the writer would copy if the pass ended here.
            if (before is { } previous && pages - previous <= LeftForTheWriter)
            {
                break;
            }
            before = pages;
        }
        Volatile.Write(ref passed, 1);
        return connection;
    }

    /// <summary>
    /// A PASSIVE checkpoint: the WAL's length in pages when it began, all of them copied unless a reader still needed
    /// some; null when it failed, which loses nothing: the pages stay in the WAL for the next. Never throws, since the
    /// writer runs it too and must outlive it.
    /// </summary>
    private long? Checkpoint(SqliteConnection connection)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            using var result = command.ExecuteReader();
            // One row: busy, the WAL's pages, the pages copied (https://www.sqlite.org/pragma.html#pragma_wal_checkpoint).
            return result.Read() ? result.GetInt64(1) : 0;
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
            return null;
        }
    }

    public void Dispose()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }
        stopping.Cancel();
        loop.GetAwaiter().GetResult();
        stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A WAL checkpoint failed; the next one copies what it left")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
