using Latchkey.Apps;
using Latchkey.Profiles;

namespace Latchkey.Tests.Apps;

/// <summary>
/// What may be registered as a redirect URI (DESIGN.md rule 1): RFC 6749 §3.1.2 and RFC 9700 §4.1.3 for every
/// profile, loopback http per RFC 8252 §7.3 by default; FUB (seed 000) refuses this machine in any form but
/// takes plain http on public hosts, since its own example registers <c>http://www.yoursite.com/oauth/redirect</c>.
/// </summary>
public sealed class RedirectUriRulesTests
{
    /// <summary>Refused on every profile.</summary>
    public static TheoryData<string> AlwaysBad =>
    [
        "",
        " ",
        "\t",
        "/oauth/callback",
        "oauth/callback",
        "client.example/cb",
        "//client.example/cb",
        "https://client.example/cb#",
        "https://client.example/cb#state",
        "https://client.example/c b",
        " https://client.example/cb",
        "https://client.example/cb ",
        "https://client.example/cb\n",
        "https://client.example/\u0000cb",
        "https://user@client.example/cb",
        "https://user:pass@client.example/cb",
        "javascript:alert(1)",
        "JavaScript://client.example/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://client.example/cb",
        "ws://client.example/cb",
        "com.example.app:/oauth2redirect",
        "urn:ietf:wg:oauth:2.0:oob",
        "https://",
        "https://client.example/" + new string('a', 2000),
    ];

    /// <summary>Accepted on every profile.</summary>
    public static TheoryData<string> AlwaysGood =>
    [
        "https://client.example/cb",
        "https://client.example",
        "https://client.example:8443/oauth/callback",
        "https://client.example/cb?tenant=acme&x=1",
        "https://sub.client.example/a/b/c/",
        "https://xn--bcher-kva.example/cb",
        "https://203.0.113.7/cb",
        "https://client.example/" + new string('a', 1900),
    ];

    /// <summary>This machine: allowed by default (RFC 8252 §7.3), never for FUB.</summary>
    public static TheoryData<string> Loopback =>
    [
        "http://localhost/cb",
        "http://localhost:8080/cb",
        "http://LOCALHOST:8080/cb",
        "https://localhost/cb",
        "http://127.0.0.1/cb",
        "http://127.0.0.1:51234/oauth/callback",
        "http://127.1.2.3/cb",
        "http://[::1]/cb",
        "http://[::1]:3000/cb",
        "https://[::1]:3000/cb",
    ];

    /// <summary>Plain http on a host that is not this machine: refused by default, accepted for FUB.</summary>
    public static TheoryData<string> PublicHttp =>
    [
        "http://www.yoursite.com/oauth/redirect",
        "http://client.example/cb",
        "http://10.0.0.5/cb",
        "http://localhost.client.example/cb",
        "http://127.0.0.1.nip.io/cb",
    ];

    public static TheoryData<ProfileName> NonFubProfiles =>
        [.. Enum.GetValues<ProfileName>().Where(p => p != ProfileName.Fub)];

    [Theory, MemberData(nameof(AlwaysBad))]
    public void Problem_IsReported_OnEveryProfile(string uri)
    {
        foreach (var profile in Enum.GetValues<ProfileName>())
        {
            Assert.NotNull(RedirectUriRules.Problem(uri, profile));
        }
    }

    [Fact]
    public void Null_IsReported() => Assert.NotNull(RedirectUriRules.Problem(null, ProfileName.Standard));

    [Theory, MemberData(nameof(AlwaysGood))]
    public void Https_IsAccepted_OnEveryProfile(string uri)
    {
        foreach (var profile in Enum.GetValues<ProfileName>())
        {
            Assert.Null(RedirectUriRules.Problem(uri, profile));
        }
    }

    [Theory, MemberData(nameof(Loopback))]
    public void Loopback_IsAccepted_ByDefault(string uri)
    {
        foreach (var profile in NonFubProfiles.Select(row => row.Data))
        {
            Assert.Null(RedirectUriRules.Problem(uri, profile));
        }
    }

    [Theory, MemberData(nameof(Loopback))]
    public void Loopback_IsRefused_ForFub(string uri) =>
        Assert.Contains("Follow Up Boss", RedirectUriRules.Problem(uri, ProfileName.Fub), StringComparison.Ordinal);

    [Theory, MemberData(nameof(PublicHttp))]
    public void PublicHttp_IsRefused_ByDefault(string uri)
    {
        foreach (var profile in NonFubProfiles.Select(row => row.Data))
        {
            Assert.Contains("http", RedirectUriRules.Problem(uri, profile), StringComparison.Ordinal);
        }
    }

    [Theory, MemberData(nameof(PublicHttp))]
    public void PublicHttp_IsAccepted_ForFub(string uri) =>
        Assert.Null(RedirectUriRules.Problem(uri, ProfileName.Fub));
}
