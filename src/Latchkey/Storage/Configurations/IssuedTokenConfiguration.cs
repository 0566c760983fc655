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
        // What issuing, rotating and revoking change is the installation's live set (an installation holds one:
        // FeatureOS seed 004, "Lifetimes"), so every statement that revokes names the installation and "RevokedAt" IS
        // NULL, and this index holds only those rows: the live set, and the refresh tokens it rotated since it was
        // issued (a rotated token stays unrevoked so that its reuse is recognised), not every token the installation
        // ever had. A token's revocation takes it out of the index instead of moving it within one, and a family is
        // found among its installation's live rows, so no index is keyed by family: each of those cost a write of a
        // page at a random place per issued token (README "Benchmarks").
        token.HasIndex(t => t.InstallationId, "IX_tokens_InstallationId_Live").HasFilter("\"RevokedAt\" IS NULL");
        // Every row, for deleting an app, which cascades through its installations to all their tokens.
        token.HasIndex(t => t.InstallationId);
        token.HasIndex(t => t.ExpiresAt);
        token.HasOne<Installation>().WithMany().HasForeignKey(t => t.InstallationId).OnDelete(DeleteBehavior.Cascade);
    }
}
