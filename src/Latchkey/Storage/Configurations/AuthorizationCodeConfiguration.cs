using Latchkey.Installations;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Latchkey.Storage.Configurations;

internal sealed class AuthorizationCodeConfiguration : IEntityTypeConfiguration<AuthorizationCode>
{
    public void Configure(EntityTypeBuilder<AuthorizationCode> code)
    {
        code.ToTable("authorization_codes");
        code.Property(c => c.Hash).HasMaxLength(32);
        code.Property(c => c.RedirectUri).HasMaxLength(2000);
        code.Property(c => c.CodeChallenge).HasMaxLength(128);
        code.HasIndex(c => c.Hash).IsUnique();
        // Pruning deletes expired codes in batches by this index.
        code.HasIndex(c => c.ExpiresAt);
        code.HasOne<Installation>().WithMany().HasForeignKey(c => c.InstallationId).OnDelete(DeleteBehavior.Cascade);
    }
}
