using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Latchkey.AspNetCore.Tokens;

/// <summary>
/// Recognises a Latchkey access token without reading anything: <c>&lt;prefix&gt;&lt;43 base62 chars&gt;&lt;6 base62
/// chars of checksum&gt;</c>, the checksum being the first 4 bytes of SHA-256 of everything before it, in base62. The
/// same rule as the server's <c>TokenCodec.IsWellFormed</c> (src/Latchkey/Tokens/TokenCodec.cs), restated here because
/// this library must not reference the server; a test holds the two together. Refresh tokens, codes and secrets have
/// other prefixes and are refused: RFC 6749 §1.5 keeps them away from resource servers.
/// </summary>
internal sealed class AccessTokenShape
{
    /// <summary>Access-token prefixes of every profile: Latchkey's own and FeatureOS's (seed 004), as <c>ProfileTokenPrefixes</c> has them.</summary>
    public static readonly IReadOnlyList<string> BuiltInPrefixes = ["lkat_", "foot_"];

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int RandomWidth = 43;
    private const int ChecksumWidth = 6;
    private const int BodyLength = RandomWidth + ChecksumWidth;

    private readonly string[] _prefixes;

    public AccessTokenShape(IEnumerable<string> additionalPrefixes) =>
        _prefixes = [.. BuiltInPrefixes.Concat(additionalPrefixes).Distinct(StringComparer.Ordinal)];

    public bool IsWellFormed(ReadOnlySpan<char> token)
    {
        var prefix = PrefixOf(token);
        if (prefix is null || token.Length != prefix.Length + BodyLength)
        {
            return false;
        }
        foreach (var c in token[prefix.Length..])
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }
        var head = token[..^ChecksumWidth];
        Span<byte> ascii = stackalloc byte[head.Length];
        for (var i = 0; i < head.Length; i++)
        {
            ascii[i] = (byte)head[i];
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(ascii, digest);
        Span<char> expected = stackalloc char[ChecksumWidth];
        EncodeChecksum(BinaryPrimitives.ReadUInt32BigEndian(digest), expected);
        // The checksum is no secret, but a constant-time comparison costs nothing here.
        return CryptographicOperations.FixedTimeEquals(
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected),
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(token[^ChecksumWidth..]));
    }

    private string? PrefixOf(ReadOnlySpan<char> token)
    {
        foreach (var prefix in _prefixes)
        {
            if (token.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefix;
            }
        }
        return null;
    }

    /// <summary>Fixed-width base62 of a 32-bit value, most significant digit first (the server's <c>Base62.Encode</c> of 4 bytes).</summary>
    private static void EncodeChecksum(uint value, Span<char> into)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            (value, var digit) = Math.DivRem(value, 62u);
            into[i] = Alphabet[(int)digit];
        }
    }
}
