using Latchkey.ResourceServers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class ResourceServerConfiguration : IEntityTypeConfiguration<ResourceServer>
{
    public void Configure(EntityTypeBuilder<ResourceServer> server)
    {
        server.ToTable("resource_servers");
        server.Property(s => s.Name).HasMaxLength(100);
        server.Property(s => s.ClientId).HasMaxLength(64);
        server.Property(s => s.SecretHash).HasMaxLength(32);
        server.Property(s => s.SecretHint).HasMaxLength(8);
        // Operators tell resource servers apart by name; every introspection call finds its caller by id.
        server.HasIndex(s => s.Name).IsUnique();
        server.HasIndex(s => s.ClientId).IsUnique();
    }
}
