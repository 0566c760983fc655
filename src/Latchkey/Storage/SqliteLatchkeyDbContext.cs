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
}
