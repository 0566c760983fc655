using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> attempt)
    {
        attempt.ToTable("webhook_attempts");
        attempt.Property(a => a.Error).HasMaxLength(500);
        attempt.HasIndex(a => a.DeliveryId);
    }
}
