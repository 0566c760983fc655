using System.Data.Common;
using Latchkey.Accounts;
using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Management;
using Latchkey.Organizations;
using Latchkey.ResourceServers;
using Latchkey.Revocations;
using Latchkey.Tokens;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage;

/// <summary>
/// The one database. Provider-specific subclasses exist only so each provider keeps its own
/// migrations (<see cref="SqliteLatchkeyDbContext"/>, <see cref="PostgresLatchkeyDbContext"/>).
/// </summary>
public abstract class LatchkeyDbContext(DbContextOptions options)
    : IdentityUserContext<User, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>Data Protection's key ring (<see cref="DataProtectionKeyRing"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<ManagementKey> ManagementKeys => Set<ManagementKey>();
    public DbSet<RegisteredSystem> RegisteredSystems => Set<RegisteredSystem>();
    public DbSet<App> Apps => Set<App>();
    public DbSet<ClientSecret> ClientSecrets => Set<ClientSecret>();
    public DbSet<Installation> Installations => Set<Installation>();
    public DbSet<AuthorizationCode> AuthorizationCodes => Set<AuthorizationCode>();
    public DbSet<IssuedToken> Tokens => Set<IssuedToken>();
    public DbSet<ResourceServer> ResourceServers => Set<ResourceServer>();
    public DbSet<Revocation> Revocations => Set<Revocation>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<User>().ToTable("users");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        builder.ApplyConfigurationsFromAssembly(typeof(LatchkeyDbContext).Assembly);
    }

    /// <summary>
    /// Contexts are pooled (<see cref="DatabaseProviders"/>) and go back with their connection object, which EF Core's reset
    /// does not always close: a request cancelled while its transaction began leaves the connection open and EF Core's count
    /// of opens unbalanced. On SQLite no later close then reached <see cref="SqliteWriteGate"/> and the gate stayed taken:
    /// every writer after it waited the gate's timeout (README "Benchmarks", seen when wrk dropped its connections
    /// mid-request); on PostgreSQL each such context would keep a server connection out of Npgsql's pool. Each request's
    /// end closes the connection (rolling back anything left open) and gives back any SQLite write gate it still holds.
    /// </summary>
    public override void Dispose()
    {
        EndRequest();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    public override async ValueTask DisposeAsync()
    {
        EndRequest();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
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
