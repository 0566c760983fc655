using Latchkey.Revocations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class RevocationConfiguration : IEntityTypeConfiguration<Revocation>
{
    public void Configure(EntityTypeBuilder<Revocation> revocation)
    {
        revocation.ToTable("revocations");
        revocation.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
        revocation.Property(r => r.ClientId).HasMaxLength(64);
        revocation.Property(r => r.TokenHash).HasMaxLength(32);
        // No foreign keys: an entry outlives the app and installation it names (an app's deletion is itself an entry).
        // The feed reads by id, the key; pruning and resuming read by time.
        revocation.HasIndex(r => r.OccurredAt);
    }
}
