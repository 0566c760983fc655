using System.Security.Cryptography;
using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tokens;

/// <summary>
/// The passphrase that comes with an Onboardbase API key (seed 003): a second secret, minted when the key is
/// issued, shown once beside it, kept only as its hash on the key's row. Its holder uses it to decrypt what the
/// API returns encrypted (FACTS.md "Onboardbase"); a resource server may check one with introspection.
/// </summary>
public sealed class TokenPassphrases(LatchkeyDbContext db)
{
    /// <summary>Like every Latchkey credential, prefixed and checksummed, so scanners and this server recognise one.</summary>
    public const string Prefix = "lkpass_";

    /// <summary>
    /// Mints a passphrase for a just-issued access token and stores its hash. Call it in the transaction that
    /// issued the token, so the key is never committed without it.
    /// </summary>
    public async Task<string> AttachAsync(string accessToken, CancellationToken ct)
    {
        var passphrase = TokenCodec.Mint(Prefix);
        var tokenHash = TokenCodec.Hash(accessToken);
        var passphraseHash = TokenCodec.Hash(passphrase);
        var attached = await db.Tokens
            .Where(t => t.Hash == tokenHash && t.Kind == TokenKind.AccessToken && t.PassphraseHash == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.PassphraseHash, passphraseHash), ct);
        return attached == 1
            ? passphrase
            : throw new InvalidOperationException("A passphrase goes with a just-issued access token that has none yet.");
    }

    /// <summary>
    /// True when <paramref name="passphrase"/> is the one issued with <paramref name="token"/>, whose row was read
    /// with it; compared in constant time (DESIGN.md rule 4).
    /// </summary>
    public static bool Matches(TokenRecord token, string passphrase) =>
        TokenCodec.IsWellFormed(passphrase, Prefix)
        && token.PassphraseHash is { } stored
        && CryptographicOperations.FixedTimeEquals(stored, TokenCodec.Hash(passphrase));
}
