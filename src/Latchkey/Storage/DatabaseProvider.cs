using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DatabaseProviders
{
    /// <summary>DESIGN.md "Operator interface": <c>Host=…</c> is PostgreSQL, anything else SQLite.</summary>
    public static DatabaseProvider Detect(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(part => part.StartsWith("Host=", StringComparison.OrdinalIgnoreCase)
                      || part.StartsWith("Server=", StringComparison.OrdinalIgnoreCase))
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    public static IServiceCollection AddLatchkeyStorage(this IServiceCollection services, string connectionString,
        SqliteSynchronous synchronous)
    {
        services.AddSingleton(_ => HotPathReads.For(connectionString));
        services.AddSingleton(provider => HotPathWrites.For(connectionString, synchronous, provider.GetRequiredService<ILoggerFactory>()));
        services.AddScoped<WriteTransactions>();
        // Pooled: building a context's options per request cost more CPU than the hot queries (README "Benchmarks").
        return Detect(connectionString) switch
        {
            DatabaseProvider.Postgres => services.AddDbContextPool<LatchkeyDbContext, PostgresLatchkeyDbContext>(
                options => options.UseNpgsql(connectionString)),
            _ => services.AddDbContextPool<LatchkeyDbContext, SqliteLatchkeyDbContext>(
                options => options.UseSqlite(connectionString).AddInterceptors(new SqliteConnectionSettings(synchronous), SqliteWriteGate.Instance)),
        };
    }
}
