using System.Globalization;
using System.Text.RegularExpressions;

namespace Latchkey.Protocol.Authorize;

/// <summary>
/// Whether a requested redirect URI is one the app registered (DESIGN.md rule 1). RFC 9700 §2.1 and
/// §4.1.3: simple string comparison (RFC 6749 §3.1.2.3, RFC 3986 §6.2.1), no normalization, no
/// patterns. The one exception is RFC 8252 §7.3: a native app listening on a loopback IP literal
/// gets a port from the operating system at run time, so the port may differ from the registered
/// one. Only the literals <c>127.0.0.1</c> and <c>[::1]</c> over http get it; <c>localhost</c> does
/// not (RFC 8252 §8.3: a name can be resolved elsewhere).
/// </summary>
public static partial class RedirectUriMatch
{
    public static string? FindRegistered(IEnumerable<string> registered, string requested) =>
        registered.FirstOrDefault(r => string.Equals(r, requested, StringComparison.Ordinal)
            || (WithoutLoopbackPort(r) is { } portless && string.Equals(portless, WithoutLoopbackPort(requested), StringComparison.Ordinal)));

    /// <summary>The URI with its port removed when it is an http URI on a loopback IP literal, else null.</summary>
    private static string? WithoutLoopbackPort(string uri)
    {
        var match = LoopbackAuthority().Match(uri);
        if (!match.Success)
        {
            return null;
        }
        var port = match.Groups["port"];
        if (port.Success && int.Parse(port.Value, CultureInfo.InvariantCulture) is < 1 or > 65535)
        {
            return null;
        }
        return string.Concat(match.Groups["origin"].Value, uri.AsSpan(match.Length));
    }

    [GeneratedRegex(@"^(?<origin>http://(?:127\.0\.0\.1|\[::1\]))(?::(?<port>[0-9]{1,5}))?(?=[/?]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex LoopbackAuthority();
}
