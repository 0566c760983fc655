using Latchkey.Apps;
using Latchkey.Management;
using Latchkey.Organizations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class AppConfiguration : IEntityTypeConfiguration<App>
{
    public void Configure(EntityTypeBuilder<App> app)
    {
        app.ToTable("apps");
        app.Property(a => a.ClientId).HasMaxLength(64);
        app.Property(a => a.Name).HasMaxLength(100);
        app.Property(a => a.Description).HasMaxLength(1000);
        app.Property(a => a.WebsiteUrl).HasMaxLength(2000);
        app.Property(a => a.LogoUrl).HasMaxLength(2000);
        app.Property(a => a.WebhookUrl).HasMaxLength(2000);
        app.Property(a => a.Profile).HasConversion<string>().HasMaxLength(16);
        app.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        // Every token request starts by finding the client.
        app.HasIndex(a => a.ClientId).IsUnique();
        app.HasIndex(a => a.OrganizationId);
        app.HasIndex(a => a.RegisteredSystemId);
        app.HasOne<RegisteredSystem>().WithMany().HasForeignKey(a => a.RegisteredSystemId).OnDelete(DeleteBehavior.SetNull);
        app.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        app.HasMany(a => a.Secrets).WithOne().HasForeignKey(s => s.AppId).OnDelete(DeleteBehavior.Cascade);
    }
}
