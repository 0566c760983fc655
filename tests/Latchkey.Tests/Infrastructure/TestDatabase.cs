using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Latchkey.Tests.Infrastructure;

/// <summary>
/// A fresh, empty database for one test: a SQLite file in a temporary folder, or a new database on
/// the PostgreSQL server that <c>scripts/test.sh</c> starts and names in <c>LATCHKEY_TEST_POSTGRES</c>.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "LATCHKEY_TEST_POSTGRES";

    private readonly string? _folder;
    private readonly string? _postgresAdmin;
    private readonly string? _postgresName;

    private TestDatabase(string connectionString, string? folder, string? postgresAdmin, string? postgresName)
    {
        ConnectionString = connectionString;
        _folder = folder;
        _postgresAdmin = postgresAdmin;
        _postgresName = postgresName;
    }

    public string ConnectionString { get; }

    /// <summary>
    /// A fresh database. On PostgreSQL it is a copy of a template migrated once per test run:
    /// copying takes a tenth of the time of migrating, and the PostgreSQL rows are most of the suite.
    /// </summary>
    /// <param name="empty">No schema at all, for the tests of migration itself.</param>
    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind, bool empty = false)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("latchkey-test-").FullName;
            // Pooling off: the folder is deleted at the end, and a pooled handle would keep the file open.
            return new TestDatabase($"Data Source={Path.Combine(folder, "latchkey.db")};Pooling=False", folder, null, null);
        }
        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrEmpty(admin))
        {
            Assert.Skip($"{PostgresVariable} is not set; scripts/test.sh starts PostgreSQL and sets it.");
        }
        var name = "lk_" + Guid.NewGuid().ToString("N");
        var template = empty ? null : await MigratedTemplate.Value;
        // Two copies of one template at once are refused ("being accessed by other users").
        await CreateDatabaseGate.WaitAsync();
        try
        {
            await ExecuteAsync(admin, template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}");
        }
        finally
        {
            CreateDatabaseGate.Release();
        }
        return new TestDatabase(WithDatabase(admin, name), null, admin, name);
    }

    private static readonly SemaphoreSlim CreateDatabaseGate = new(1, 1);

    private static readonly Lazy<Task<string>> MigratedTemplate = new(async () =>
    {
        var admin = Environment.GetEnvironmentVariable(PostgresVariable)!;
        var name = "lk_template_" + Guid.NewGuid().ToString("N");
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        var options = new DbContextOptionsBuilder<PostgresLatchkeyDbContext>().UseNpgsql(WithDatabase(admin, name)).Options;
        await using (var db = new PostgresLatchkeyDbContext(options))
        {
            await DatabaseMigrator.MigrateAsync(db);
        }
        NpgsqlConnection.ClearAllPools();
        return name;
    });

    private static string WithDatabase(string admin, string name) =>
        new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
        if (_postgresAdmin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(_postgresAdmin, $"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)");
        }
    }
}
