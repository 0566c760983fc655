namespace Latchkey.Storage;

/// <summary>
/// Write transactions on the hot path (the token endpoint's grants: a client_credentials issuance, a code's redemption, a
/// refresh rotation) as prepared SQL beside EF Core, the counterpart of <see cref="HotPathReads"/>. Through EF Core a token
/// set cost several EF Core operations of about 150 µs of CPU each, all inside SQLite's one write lock, so they capped
/// issuance whatever the cores (README "Benchmarks"). The work is written once against <see cref="WriteCommands"/>, whose SQL names the migrations'
/// tables and columns and is run by the tests on both providers' migrated schemas.
/// </summary>
public abstract class HotPathWrites : IDisposable
{
    public static HotPathWrites For(string connectionString, SqliteSynchronous synchronous, ILoggerFactory loggers) =>
        DatabaseProviders.Detect(connectionString) switch
        {
            DatabaseProvider.Postgres => new PostgresHotPathWrites(connectionString),
            _ => new SqliteHotPathWrites(connectionString, synchronous, loggers.CreateLogger<SqliteCheckpointer>()),
        };

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and returns its result once that is committed: all of its
    /// statements or, if it throws, none. The task tells what happened: a result was committed, an exception or a
    /// cancellation (through <paramref name="ct"/>) committed nothing of the work. The work touches the database only
    /// through the commands it is given: on SQLite it runs on the writer, which holds the write lock for it.
    /// </summary>
    public abstract Task<T> RunAsync<T>(Func<WriteCommands, CancellationToken, Task<T>> work, CancellationToken ct);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Finishes and closes what the provider keeps (<see cref="SqliteHotPathWrites"/>); Npgsql's pool is Npgsql's.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
