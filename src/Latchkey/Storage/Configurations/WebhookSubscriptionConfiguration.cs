using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> subscription)
    {
        subscription.ToTable("webhook_subscriptions");
        subscription.HasKey(s => s.AppId);
        subscription.Property(s => s.DisabledReason).HasMaxLength(500);
        subscription.HasOne(s => s.App).WithOne().HasForeignKey<WebhookSubscription>(s => s.AppId).OnDelete(DeleteBehavior.Cascade);
    }
}
