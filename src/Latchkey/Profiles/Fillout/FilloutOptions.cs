using Latchkey.Tokens;

namespace Latchkey.Profiles.Fillout;

/// <summary>The <c>Latchkey:Fillout</c> configuration section: what seed 002 leaves to the operator.</summary>
public sealed class FilloutOptions
{
    /// <summary>RFC 6749 §4.1.2 recommends at most 10 minutes; seed 002 states none, so Latchkey's own default holds.</summary>
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The <c>base_url</c> of every token response: the operator's API, against which clients send the token
    /// (seed 002: "Usually, this will be https://api.fillout.com"). Empty: this server's issuer.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>
    /// How long an access token works. Null, the default: until invalidated or uninstalled, as Fillout's tokens
    /// (FACTS.md "Fillout": no expiry, no refresh token). A client learns of expiry only by a 401.
    /// </summary>
    public TimeSpan? AccessTokenLifetime { get; set; }

    /// <summary>No refresh token ever: <see cref="ProfilePolicies"/> issues none for Fillout apps.</summary>
    public TokenLifetimes Lifetimes => new()
    {
        AuthorizationCode = CodeLifetime,
        AccessToken = AccessTokenLifetime,
        RefreshToken = null,
    };

    /// <summary>What is wrong with the settings, for the start-up check; null when nothing is.</summary>
    public string? Problem() =>
        BaseUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            ? $"Latchkey:Fillout:BaseUrl must be an absolute http(s) URL; '{url}' is not."
            : AccessTokenLifetime <= TimeSpan.Zero
                ? "Latchkey:Fillout:AccessTokenLifetime must be positive; leave it out for tokens that live until invalidated."
                : null;
}
