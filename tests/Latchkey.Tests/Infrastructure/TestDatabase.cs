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

    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind)
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
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(builder.ConnectionString, null, admin, name);
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
            await using var connection = new NpgsqlConnection(_postgresAdmin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
