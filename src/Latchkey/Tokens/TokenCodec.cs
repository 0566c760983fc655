using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Tokens;

/// <summary>
/// Mints and recognises Latchkey's opaque credentials: <c>&lt;prefix&gt;&lt;43 base62 chars = 256
/// random bits&gt;&lt;6 base62 chars of checksum&gt;</c>. The checksum lets the server and secret
/// scanners reject a mistyped or invented string without a database read; it is no secret.
/// Only <see cref="Hash"/> of a credential is ever stored (DESIGN.md "Data").
/// </summary>
public static class TokenCodec
{
    private const int RandomBytes = 32;
    private const int ChecksumBytes = 4;
    private static readonly int RandomWidth = Base62.WidthFor(RandomBytes);
    private static readonly int ChecksumWidth = Base62.WidthFor(ChecksumBytes);

    /// <summary>Length of a credential after its prefix.</summary>
    public static int BodyLength => RandomWidth + ChecksumWidth;

    public static string Mint(string prefix)
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        var head = prefix + Base62.Encode(random);
        return head + Checksum(head);
    }

    /// <summary>True when <paramref name="token"/> has <paramref name="prefix"/>, the right length,
    /// only base62 characters and a checksum that matches.</summary>
    public static bool IsWellFormed([NotNullWhen(true)] string? token, string prefix)
    {
        if (token is null
            || token.Length != prefix.Length + BodyLength
            || !token.StartsWith(prefix, StringComparison.Ordinal)
            || !Base62.IsBase62(token.AsSpan(prefix.Length)))
        {
            return false;
        }
        var head = token[..^ChecksumWidth];
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Checksum(head)),
            Encoding.ASCII.GetBytes(token[^ChecksumWidth..]));
    }

    /// <summary>SHA-256 of the whole credential. The values carry 256 random bits, so a slow hash
    /// would add no safety and would cap every endpoint that checks one (DESIGN.md "Data").</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The last four characters, safe to show so a person can tell two secrets apart.</summary>
    public static string Hint(string token) => token[^4..];

    private static string Checksum(string head)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(head), digest);
        return Base62.Encode(digest[..ChecksumBytes]);
    }
}
