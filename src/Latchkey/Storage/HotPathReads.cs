namespace Latchkey.Storage;

/// <summary>
/// Reads on the hot path (a presented token, on every introspection and every Bearer check) as prepared SQL, beside EF
/// Core rather than through it. Through EF Core a token lookup cost about 150 µs of CPU, half of an introspection:
/// a connection opened and closed around the query (SQLite re-registers EF Core's functions on each open), the statement
/// parsed and planned again each time, and EF Core's command, reader and shaper objects (README "Benchmarks"). The SQL
/// names the tables and columns of the migrations, like <c>Latchkey.AspNetCore</c>'s direct mode, and the tests run each
/// query on both providers' migrated schemas, so a schema change cannot silently break it. The grant paths' writes are <see cref="HotPathWrites"/>.
/// </summary>
public abstract class HotPathReads : IDisposable
{
    public static HotPathReads For(string connectionString) => DatabaseProviders.Detect(connectionString) switch
    {
        DatabaseProvider.Postgres => new PostgresHotPathReads(connectionString),
        _ => new SqliteHotPathReads(connectionString),
    };

    /// <summary>
    /// What <paramref name="read"/> makes of the rows <paramref name="sql"/> finds for <paramref name="keys"/> (<c>@p0</c>,
    /// <c>@p1</c>…, as the provider stores them: <see cref="StoredValues"/>); it moves from row to row with
    /// <see cref="StoredRow.Next"/>.
    /// </summary>
    public abstract Task<T> ReadAsync<T>(string sql, Func<StoredRow, T> read, CancellationToken ct, params object?[] keys);

    /// <summary>The row <paramref name="sql"/> finds for a unique <paramref name="key"/> (<c>@p0</c>), mapped; null when there is none.</summary>
    public Task<T?> SingleOrDefaultAsync<T>(string sql, object key, Func<StoredRow, T> map, CancellationToken ct)
        where T : class =>
        ReadAsync(sql, row => row.Next() ? map(row) : null, ct, key);

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes what the provider keeps open (<see cref="SqliteHotPathReads"/>); Npgsql's pool is Npgsql's.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
