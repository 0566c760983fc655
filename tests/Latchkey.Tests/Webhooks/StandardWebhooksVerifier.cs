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
    public static bool Verify(string secret, string id, string timestamp, string body, string signatureHeader)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        foreach (var signature in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = signature.Split(',', 2);
            if (parts is ["v1", var value] && CryptographicOperations.FixedTimeEquals(expected, Convert.FromBase64String(value)))
            {
                return true;
            }
        }
        return false;
    }

    public static bool Verify(string secret, ReceivedWebhook webhook) =>
        Verify(secret, webhook.Id, webhook.Timestamp, webhook.Body, webhook.Signature);
}
