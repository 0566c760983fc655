using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage;

public sealed class PostgresLatchkeyDbContext(DbContextOptions<PostgresLatchkeyDbContext> options)
    : LatchkeyDbContext(options);
