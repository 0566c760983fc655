using Latchkey.Apps;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class ClientSecretConfiguration : IEntityTypeConfiguration<ClientSecret>
{
    public void Configure(EntityTypeBuilder<ClientSecret> secret)
    {
        secret.ToTable("client_secrets");
        secret.Property(s => s.Hash).HasMaxLength(32);
        secret.Property(s => s.Hint).HasMaxLength(8);
        secret.HasIndex(s => s.AppId);
    }
}
