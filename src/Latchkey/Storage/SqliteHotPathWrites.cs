using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Latchkey.Storage;

/// <summary>
/// SQLite: one kept connection writes, and the work queued while it commits shares its next commit (group commit).
/// </summary>
/// <remarks>
/// SQLite runs one write transaction at a time, and under <c>synchronous=FULL</c> each commit waits for an fsync of the
/// WAL. With a transaction per request, a token request's whole write, its commit and the handover to the next writer
/// were serial, and issuance stopped near 500 requests/s (README "Benchmarks"). Here the writer
/// takes everything queued (up to <see cref="MaxBatch"/>), runs each piece of work in a savepoint of one transaction, so a
/// piece that throws is rolled back alone, commits once, and only then answers each piece: a response still goes out only
/// once what it reports is durable (DESIGN.md rule 8). The statements stay prepared on the connection. The writer queues
/// on <see cref="SqliteWriteGate"/> with this process's EF Core writers, and on SQLite's lock (<c>BEGIN IMMEDIATE</c>,
/// waiting up to the busy timeout) with other processes.
/// </remarks>
internal sealed class SqliteHotPathWrites : HotPathWrites
{
    /// <summary>Enough to share one fsync among every request of a busy server; small enough that a batch stays short.</summary>
    private const int MaxBatch = 64;

    private const string Savepoint = "SAVEPOINT work";
    private const string ReleaseSavepoint = "RELEASE work";
    private const string RollbackToSavepoint = "ROLLBACK TO work";

    private readonly string connectionString;
    private readonly string settings;
    private readonly Channel<Queued> queue = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, SqliteCommand> prepared = new(StringComparer.Ordinal);
    private readonly Task writer;
    private readonly SqliteCheckpointer checkpointer;
    private SqliteConnection? connection;

    /// <summary>Set while the writer runs a batch: work that queued more work would wait for itself.</summary>
    private readonly AsyncLocal<bool> writing = new();

    public SqliteHotPathWrites(string connectionString, SqliteSynchronous synchronous, ILogger logger)
    {
        // Not pooled: the writer keeps its connection for good, and one dropped after an error must not go back to a pool.
        this.connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        settings = SqliteConnectionSettings.ForWriter(synchronous);
        // It copies the WAL back beside the writer, instead of the commits that fill it.
        checkpointer = new SqliteCheckpointer(this.connectionString, SqliteConnectionSettings.ForCheckpointer(synchronous), logger);
        writer = Task.Run(WriteAsync);
    }

    public override Task<T> RunAsync<T>(Func<WriteCommands, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        if (writing.Value)
        {
            throw new InvalidOperationException("Work on the SQLite writer must use the commands it is given: queued from there it would wait for itself.");
        }
        var queued = new Queued<T>(work, ct);
        return queue.Writer.TryWrite(queued) ? queued.Completion : Task.FromException<T>(new ObjectDisposedException(nameof(HotPathWrites)));
    }

    private async Task WriteAsync()
    {
        writing.Value = true;
        var batch = new List<Queued>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var queued))
            {
                batch.Add(queued);
            }
            await CommitAsync(batch);
            batch.Clear();
            CatchUpCheckpoint();
        }
    }

    /// <summary>Runs and commits one batch, and answers each piece. Never throws: the writer outlives any failed batch.</summary>
    private async Task CommitAsync(List<Queued> batch)
    {
        SemaphoreSlim? gate = null;
        try
        {
            var open = Open();
            gate = await SqliteWriteGate.Instance.EnterAsync(open);
            using var transaction = open.BeginTransaction();
            var commands = new SqliteWriteCommands(open, transaction, prepared);
            foreach (var queued in batch)
            {
                // Checked once the lock is held, after any wait for it: work whose caller gave up meanwhile is not done.
                if (!queued.Cancelled())
                {
                    await RunAloneAsync(queued, commands);
                }
            }
            transaction.Commit();
            checkpointer.Committed();
            foreach (var queued in batch)
            {
                queued.Committed();
            }
        }
        catch (Exception e)
        {
            // Nothing of the batch is committed.
            foreach (var queued in batch)
            {
                queued.Failed(e);
            }
            Discard();
        }
        finally
        {
            gate?.Release();
        }
    }

    /// <summary>Between two batches, with every answer sent: the checkpointer's catching up, on the writer's connection.</summary>
    private void CatchUpCheckpoint()
    {
        if (connection is not null)
        {
            checkpointer.CatchUp(connection);
        }
    }

    /// <summary>Runs one piece of work in a savepoint: if it throws, its statements are undone and the batch goes on.</summary>
    private static async Task RunAloneAsync(Queued queued, SqliteWriteCommands commands)
    {
        await commands.ExecuteAsync(Savepoint, CancellationToken.None);
        try
        {
            await queued.RunAsync(commands);
        }
        catch (Exception e)
        {
            await commands.ExecuteAsync(RollbackToSavepoint, CancellationToken.None);
            queued.Failed(e);
        }
        await commands.ExecuteAsync(ReleaseSavepoint, CancellationToken.None);
    }

    private SqliteConnection Open()
    {
        if (connection is not null)
        {
            return connection;
        }
        return connection = SqliteConnectionSettings.OpenKept(connectionString, settings);
    }

    private void Close()
    {
        foreach (var command in prepared.Values)
        {
            command.Dispose();
        }
        prepared.Clear();
        connection?.Dispose();
        connection = null;
    }

    /// <summary>
    /// After a failed batch: a connection in an unknown state is not kept, and the next batch opens a new one. Closing a broken connection may fail as well; nothing of the batch is left to
    /// undo then, and the writer must go on.
    /// </summary>
    private void Discard()
    {
        try
        {
            Close();
        }
        catch (Exception)
        {
            prepared.Clear();
            connection = null;
        }
    }

    /// <summary>Commits what is queued, then closes the connection.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                queue.Writer.TryComplete();
                writer.GetAwaiter().GetResult();
                Close();
            }
            finally
            {
                checkpointer.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    /// <summary>A piece of work waiting for the writer, and its caller's task.</summary>
    private abstract class Queued
    {
        /// <summary>True when its caller gave up before it started; it then never runs, and its task is cancelled.</summary>
        public abstract bool Cancelled();

        public abstract Task RunAsync(WriteCommands commands);

        public abstract void Committed();

        /// <summary>Nothing of it was, or will be, committed.</summary>
        public abstract void Failed(Exception error);
    }

    private sealed class Queued<T>(Func<WriteCommands, CancellationToken, Task<T>> work, CancellationToken ct) : Queued
    {
        // Asynchronous continuations: the caller's request goes on on its own thread, never on the writer's.
        private readonly TaskCompletionSource<T> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? result;

        public Task<T> Completion => completion.Task;

        public override bool Cancelled() => ct.IsCancellationRequested && completion.TrySetCanceled(ct);

        // Once started it runs to its end with the batch: its caller then learns what was committed.
        public override async Task RunAsync(WriteCommands commands) => result = await work(commands, CancellationToken.None);

        public override void Committed() => completion.TrySetResult(result!);

        public override void Failed(Exception error) => completion.TrySetException(error);
    }
}
