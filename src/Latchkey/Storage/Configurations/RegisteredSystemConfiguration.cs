using Latchkey.Management;
using Latchkey.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class RegisteredSystemConfiguration : IEntityTypeConfiguration<RegisteredSystem>
{
    public void Configure(EntityTypeBuilder<RegisteredSystem> system)
    {
        system.ToTable("registered_systems");
        system.Property(s => s.Name).HasMaxLength(100);
        system.Property(s => s.KeyHash).HasMaxLength(32);
        // X-System names the system on every request, so the name is the lookup key.
        system.HasIndex(s => s.Name).IsUnique();
        system.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}
