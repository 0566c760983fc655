using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.AspNetCore.Tokens;

/// <summary>
/// SHA-256 of a token's UTF-8 bytes (the server's <c>TokenCodec.Hash</c>), as a value: the cache key, so the cache
/// never holds a token, and the revocation feed's <c>token_hash</c> names the same entry. Computing it allocates nothing.
/// </summary>
internal readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
{
    /// <summary>Well-formed tokens are ASCII and well under this length; only a very long configured prefix goes to the heap.</summary>
    private const int StackBytes = 256;

    public static TokenHash Of(ReadOnlySpan<char> token)
    {
        var byteCount = Encoding.UTF8.GetByteCount(token);
        Span<byte> utf8 = byteCount <= StackBytes ? stackalloc byte[StackBytes] : new byte[byteCount];
        var length = Encoding.UTF8.GetBytes(token, utf8);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], digest);
        return From(digest);
    }

    /// <summary>The revocation feed's <c>token_hash</c>: base64url without padding (RFC 4648 §5). False for anything else.</summary>
    public static bool TryParse(string? base64Url, out TokenHash hash)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        // DecodeFromChars reports bad input as a status; TryDecodeFromChars would throw on a stray character.
        if (base64Url is null
            || Base64Url.DecodeFromChars(base64Url, digest, out var consumed, out var written) != OperationStatus.Done
            || consumed != base64Url.Length || written != digest.Length)
        {
            hash = default;
            return false;
        }
        hash = From(digest);
        return true;
    }

    public static TokenHash From(ReadOnlySpan<byte> digest) => new(
        BinaryPrimitives.ReadUInt64BigEndian(digest),
        BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(digest[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));

    public byte[] ToBytes()
    {
        var bytes = new byte[SHA256.HashSizeInBytes];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, A);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), B);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(16), C);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(24), D);
        return bytes;
    }
}
