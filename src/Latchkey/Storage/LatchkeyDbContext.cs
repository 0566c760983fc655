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
}
