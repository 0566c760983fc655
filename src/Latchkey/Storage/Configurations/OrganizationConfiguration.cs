using Latchkey.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> org)
    {
        org.ToTable("organizations");
        org.Property(o => o.Name).HasMaxLength(100);
        // Operators name organizations on the command line, so a name picks exactly one.
        org.HasIndex(o => o.Name).IsUnique();
    }
}
