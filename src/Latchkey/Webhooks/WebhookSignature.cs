using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Webhooks;

/// <summary>
/// Standard Webhooks signing (https://www.standardwebhooks.com, "Signature scheme"): HMAC-SHA256 with the secret's key
/// over <c>{webhook-id}.{webhook-timestamp}.{body}</c>, sent as <c>v1,{base64}</c>. Several signatures are separated by
/// spaces; a verifier accepts the message when any one matches, which is what lets a secret rotate without a gap.
/// </summary>
public static class WebhookSignature
{
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static string Sign(string messageId, DateTimeOffset timestamp, string body, IEnumerable<byte[]> keys)
    {
        var signed = Encoding.UTF8.GetBytes($"{messageId}.{Timestamp(timestamp)}.{body}");
        return string.Join(' ', keys.Select(key => "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed))));
    }

    public static string Timestamp(DateTimeOffset timestamp) => timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}
