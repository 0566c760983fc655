using Latchkey.Accounts;
using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class InstallationConfiguration : IEntityTypeConfiguration<Installation>
{
    public void Configure(EntityTypeBuilder<Installation> installation)
    {
        installation.ToTable("installations");
        installation.Property(i => i.ActorMode).HasMaxLength(8);
        installation.Property(i => i.ActorKey).HasMaxLength(40);
        // One live installation per app × organization × actor; consent updates it in place.
        installation.HasIndex(i => new { i.AppId, i.OrganizationId, i.ActorKey }).IsUnique().HasFilter("\"RevokedAt\" IS NULL");
        // An org admin's list of installed apps; a user's list of their own authorizations.
        installation.HasIndex(i => i.OrganizationId);
        installation.HasIndex(i => i.UserId);
        installation.HasOne<App>().WithMany().HasForeignKey(i => i.AppId).OnDelete(DeleteBehavior.Cascade);
        installation.HasOne<Organization>().WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        installation.HasOne<User>().WithMany().HasForeignKey(i => i.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
