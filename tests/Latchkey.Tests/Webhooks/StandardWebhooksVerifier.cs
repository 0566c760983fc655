using System.Security.Cryptography;
using System.Text;

namespace Latchkey.Tests.Webhooks;

/// <summary>
/// A receiver's check, written from the Standard Webhooks specification (https://www.standardwebhooks.com, "Verifying
/// webhooks") rather than from Latchkey's code: strip <c>whsec_</c>, base64-decode the key, HMAC-SHA256 over
/// <c>id.timestamp.body</c>, and accept when any space-separated <c>v1,</c> signature matches in constant time.
/// The README's verification example is this code.
/// </summary>
public static class StandardWebhooksVerifier
{
    // README "Webhooks", "Verifying": keep the two the same.
    public static bool Verify(string secret, string id, string timestamp, string body, string signatureHeader)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return signatureHeader.Split(' ').Any(s => s.Split(',', 2) is ["v1", var value]
            && CryptographicOperations.FixedTimeEquals(expected, Convert.FromBase64String(value)));
    }

    public static bool Verify(string secret, ReceivedWebhook webhook) =>
        Verify(secret, webhook.Id, webhook.Timestamp, webhook.Body, webhook.Signature);
}
