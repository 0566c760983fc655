using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Protocol;

/// <summary>Proof Key for Code Exchange, S256 only (RFC 7636; RFC 9700 §2.1.1 rules out plain).</summary>
public static class Pkce
{
    public const string S256 = "S256";

    /// <summary>RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].</summary>
    public static bool IsValidVerifier(string value) => value.Length is >= 43 and <= 128 && value.All(IsUnreserved);

    /// <summary>An S256 challenge is the base64url SHA-256 of a verifier: exactly 43 characters.</summary>
    public static bool IsValidChallenge(string value) => value.Length == 43 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>RFC 7636 §4.6, compared in constant time.</summary>
    public static bool Matches(string verifier, string challenge)
    {
        var computed = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
