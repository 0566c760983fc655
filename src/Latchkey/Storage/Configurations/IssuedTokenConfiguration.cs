using Latchkey.Installations;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class IssuedTokenConfiguration : IEntityTypeConfiguration<IssuedToken>
{
    public void Configure(EntityTypeBuilder<IssuedToken> token)
    {
        token.ToTable("tokens");
        token.Property(t => t.Hash).HasMaxLength(32);
        token.Property(t => t.PassphraseHash).HasMaxLength(32);
        token.Property(t => t.Kind).HasConversion<string>().HasMaxLength(16);
        // Every validation is one lookup by hash (STYLE.md §8: design for 200 M rows).
        token.HasIndex(t => t.Hash).IsUnique();
        // Revoking an installation or a family touches only its own rows.
        token.HasIndex(t => t.InstallationId);
        token.HasIndex(t => t.FamilyId);
        token.HasIndex(t => t.ExpiresAt);
        token.HasOne<Installation>().WithMany().HasForeignKey(t => t.InstallationId).OnDelete(DeleteBehavior.Cascade);
    }
}
