using System.Numerics;

namespace Latchkey.Tokens;

/// <summary>Fixed-width base62: URL-, header- and double-click-safe, no padding characters.</summary>
internal static class Base62
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Characters needed for <paramref name="byteCount"/> bytes: ceil(8·n / log2 62).</summary>
    public static int WidthFor(int byteCount) => (int)Math.Ceiling(byteCount * 8 / Math.Log2(62));

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var width = WidthFor(bytes.Length);
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        return string.Create(width, value, static (chars, v) =>
        {
            for (var i = chars.Length - 1; i >= 0; i--)
            {
                v = BigInteger.DivRem(v, 62, out var digit);
                chars[i] = Alphabet[(int)digit];
            }
        });
    }

    public static bool IsBase62(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
