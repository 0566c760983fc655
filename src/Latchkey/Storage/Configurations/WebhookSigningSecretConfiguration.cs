using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class WebhookSigningSecretConfiguration : IEntityTypeConfiguration<WebhookSigningSecret>
{
    public void Configure(EntityTypeBuilder<WebhookSigningSecret> secret)
    {
        secret.ToTable("webhook_signing_secrets");
        secret.Property(s => s.Hint).HasMaxLength(8);
        secret.HasIndex(s => s.AppId);
        secret.HasOne(s => s.App).WithMany().HasForeignKey(s => s.AppId).OnDelete(DeleteBehavior.Cascade);
    }
}
