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

    public static IServiceCollection AddLatchkeyStorage(this IServiceCollection services, string connectionString) =>
        Detect(connectionString) switch
        {
            DatabaseProvider.Postgres => services.AddDbContext<LatchkeyDbContext, PostgresLatchkeyDbContext>(
                options => options.UseNpgsql(connectionString)),
            _ => services.AddDbContext<LatchkeyDbContext, SqliteLatchkeyDbContext>(
                options => options.UseSqlite(connectionString).AddInterceptors(SqliteConnectionSettings.Instance, SqliteWriteGate.Instance)),
        };
}
