using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Latchkey.Storage;

public sealed class SqliteLatchkeyDbContext(DbContextOptions<SqliteLatchkeyDbContext> options)
    : LatchkeyDbContext(options)
{
    /// <summary>SQLite has no date type; as text, DateTimeOffset cannot be compared in SQL. Stored as
    /// a 64-bit number it sorts and compares, so expiry checks run in the database.</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    /// <summary>
    /// Contexts are pooled (<see cref="DatabaseProviders"/>) and go back with their connection object, which EF Core's reset
    /// does not always close: a request cancelled while its transaction began leaves the connection open and EF Core's count
    /// of opens unbalanced, so no later close reaches <see cref="SqliteWriteGate"/>, and the gate stayed taken: every writer
    /// after it waited the gate's timeout (README "Benchmarks", seen when wrk dropped its connections mid-request). Each
    /// request's end closes the connection (rolling back anything left open) and gives back any gate it still holds.
    /// </summary>
    public override void Dispose()
    {
        EndRequest();
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        EndRequest();
        return base.DisposeAsync();
    }

    private void EndRequest()
    {
        DbConnection connection;
        try
        {
            connection = Database.GetDbConnection();
        }
        catch (ObjectDisposedException)
        {
            // Disposed twice outside the pool (a migration's own context): the first time ended everything.
            return;
        }
        connection.Close();
        SqliteWriteGate.Instance.Release(connection);
    }
}
