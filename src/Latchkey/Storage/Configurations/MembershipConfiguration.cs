using Latchkey.Accounts;
using Latchkey.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class MembershipConfiguration : IEntityTypeConfiguration<Membership>
{
    public void Configure(EntityTypeBuilder<Membership> membership)
    {
        membership.ToTable("memberships");
        membership.HasKey(m => new { m.OrganizationId, m.UserId });
        // "Which organizations is this user in?" runs on every portal page.
        membership.HasIndex(m => m.UserId);
        membership.Property(m => m.Role).HasConversion<string>().HasMaxLength(16);
        membership.HasOne<Organization>().WithMany().HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        membership.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
