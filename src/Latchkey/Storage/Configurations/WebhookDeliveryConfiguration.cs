using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> delivery)
    {
        delivery.ToTable("webhook_deliveries");
        delivery.Ignore(d => d.MessageId);
        delivery.Property(d => d.EventType).HasMaxLength(100);
        delivery.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        delivery.Property(d => d.LastError).HasMaxLength(500);
        // A worker whose lease was taken over saves nothing (WebhookDeliverer).
        delivery.Property(d => d.LeaseToken).IsConcurrencyToken();
        // The worker's poll: due pending rows only, however long the delivered history grows (WebhookLeases).
        delivery.HasIndex(d => d.NextAttemptAt).HasFilter("\"Status\" = 'Pending'");
        delivery.HasIndex(d => d.LeaseToken);
        // Pruning: finished rows by when they were last due, oldest first (WebhookLog.PruneAsync).
        delivery.HasIndex(d => d.NextAttemptAt, "IX_webhook_deliveries_Finished").HasFilter("\"Status\" <> 'Pending'");
        // The delivery log: an app's newest first; an installation's for its organization's admins.
        delivery.HasIndex(d => new { d.AppId, d.CreatedAt });
        delivery.HasIndex(d => d.InstallationId);
        delivery.HasOne<App>().WithMany().HasForeignKey(d => d.AppId).OnDelete(DeleteBehavior.Cascade);
        delivery.HasOne<Installation>().WithMany().HasForeignKey(d => d.InstallationId).OnDelete(DeleteBehavior.Cascade);
        delivery.HasMany<WebhookAttempt>().WithOne().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
    }
}
