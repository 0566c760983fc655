using System.Net.Http.Headers;
using System.Text;

namespace Latchkey.Protocol;

/// <summary>HTTP Basic client credentials as OAuth sends them (RFC 6749 §2.3.1): the id and secret are
/// form-urlencoded, joined by a colon, then base64-encoded. Apps and resource servers alike.</summary>
public static class BasicCredentials
{
    /// <summary>No header: all null. A header that is not Basic, or not <c>id:secret</c>: the error.</summary>
    public static (string? Id, string? Secret, OAuthError? Error) Parse(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return (null, null, null);
        }
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
        {
            return (null, null, OAuthError.InvalidClient("Only HTTP Basic client authentication is accepted in the Authorization header."));
        }
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter ?? ""));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return (null, null, OAuthError.InvalidClient("The Basic credentials are not 'client_id:client_secret'."));
            }
            return (FormDecode(decoded[..colon]), FormDecode(decoded[(colon + 1)..]), null);
        }
        catch (FormatException)
        {
            return (null, null, OAuthError.InvalidClient("The Basic credentials are not valid base64."));
        }
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
