using System.Net;
using Latchkey.Profiles;

namespace Latchkey.Apps;

/// <summary>
/// What a registered redirect URI may be. RFC 9700 §4.1.3 and RFC 6749 §3.1.2: absolute, no
/// fragment; https, with plain http only where the traffic never leaves the machine (RFC 8252
/// §7.3). FUB (seed 000) refuses localhost altogether, since its servers must reach the URI, and
/// accepts plain http on public hosts because its own example registers
/// <c>http://www.yoursite.com/oauth/redirect</c> (README, "Profiles: fub").
/// </summary>
public static class RedirectUriRules
{
    private const int MaxLength = 2000;

    /// <summary>Null when <paramref name="value"/> is acceptable, else the reason, in words for a person.</summary>
    public static string? Problem(string? value, ProfileName profile)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "A redirect URI cannot be empty.";
        }
        if (value.Length > MaxLength)
        {
            return $"A redirect URI can be at most {MaxLength} characters.";
        }
        if (value.Any(char.IsWhiteSpace) || value.Any(char.IsControl))
        {
            return $"'{value}' contains whitespace or control characters.";
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return $"'{value}' is not an absolute URI with a host.";
        }
        if (value.Contains('#'))
        {
            return $"'{value}' has a fragment; RFC 6749 §3.1.2 forbids one.";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"'{value}' carries credentials in its authority.";
        }
        var loopback = IsLoopback(uri);
        if (profile == ProfileName.Fub && loopback)
        {
            return $"'{value}' points at this machine; Follow Up Boss apps need a publicly reachable redirect URI.";
        }
        return uri.Scheme switch
        {
            "https" => null,
            "http" when loopback || profile == ProfileName.Fub => null,
            "http" => $"'{value}' uses http; only https is allowed, or http on localhost, 127.0.0.1 or [::1].",
            _ => $"'{value}' uses the scheme '{uri.Scheme}'; only https is allowed.",
        };
    }

    /// <summary>localhost, 127.0.0.0/8 and [::1] (RFC 8252 §7.3, FeatureOS seed 004).</summary>
    public static bool IsLoopback(Uri uri) =>
        string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
