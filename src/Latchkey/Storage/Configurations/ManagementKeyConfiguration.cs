using Latchkey.Management;
using Latchkey.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class ManagementKeyConfiguration : IEntityTypeConfiguration<ManagementKey>
{
    public void Configure(EntityTypeBuilder<ManagementKey> key)
    {
        key.ToTable("management_keys");
        key.Property(k => k.Hash).HasMaxLength(32);
        key.Property(k => k.Hint).HasMaxLength(8);
        key.HasIndex(k => k.Hash).IsUnique();
        key.HasOne<Organization>().WithMany().HasForeignKey(k => k.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}
