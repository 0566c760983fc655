using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage;

/// <summary>Brings a database, empty or older, to the current schema.</summary>
public static class DatabaseMigrator
{
    public static async Task MigrateAsync(LatchkeyDbContext db, CancellationToken cancellationToken = default)
    {
        if (db.Database.IsSqlite())
        {
            // WAL lets readers run beside the one writer; the mode is stored in the file, so once is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        await db.Database.MigrateAsync(cancellationToken);
    }
}
