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
        // Revoking an installation or a family touches only its own rows. Issuing revokes the installation's live set
        // (InstallationId = ? AND RevokedAt IS NULL), so the index seeks to the live rows: on InstallationId alone each
        // issuance read every token the installation ever had (README "Benchmarks"). Not a partial index on live rows:
        // deleting an app cascades through its installations to all their tokens, and that lookup needs every row.
        token.HasIndex(t => new { t.InstallationId, t.RevokedAt });
        token.HasIndex(t => t.FamilyId);
        token.HasIndex(t => t.ExpiresAt);
        token.HasOne<Installation>().WithMany().HasForeignKey(t => t.InstallationId).OnDelete(DeleteBehavior.Cascade);
    }
}
