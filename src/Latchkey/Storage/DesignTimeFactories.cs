using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Latchkey.Storage;

/// <summary>Used by <c>dotnet ef migrations add</c> only; each provider keeps its own migrations folder.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteLatchkeyDbContext>
{
    public SqliteLatchkeyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteLatchkeyDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresLatchkeyDbContext>
{
    public PostgresLatchkeyDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresLatchkeyDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
