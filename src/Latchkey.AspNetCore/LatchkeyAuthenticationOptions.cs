using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore;

/// <summary>
/// <c>AddLatchkey(options => …)</c>. Binds from configuration too (<c>Latchkey:Authority</c>, <c>Latchkey:ClientId</c> …);
/// the credentials are those of <c>latchkey resource-server create</c>, used for introspection and the revocation feed.
/// </summary>
public sealed class LatchkeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The Latchkey server's base URL, e.g. <c>https://auth.example.com</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The resource server's client id (<c>lkrs_…</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>The resource server's secret (<c>lkrss_…</c>).</summary>
    public string? ClientSecret { get; set; }

    public LatchkeyValidationMode Mode { get; set; } = LatchkeyValidationMode.Introspection;

    /// <summary>For <see cref="LatchkeyValidationMode.Direct"/>: Latchkey's database, as the server's <c>Latchkey:Database</c>
    /// (<c>Host=…</c> is PostgreSQL, anything else SQLite). A read-only account is enough.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How long a validated token is trusted without asking again while the revocation feed is connected: the feed
    /// evicts revoked tokens at once, so this only bounds staleness if an event were lost. Never past the token's <c>exp</c>.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a cached token is trusted while the revocation feed is not connected: the revocation deadline then.</summary>
    public TimeSpan DisconnectedCacheDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many tokens are cached; beyond it new tokens are validated each time until entries expire.</summary>
    public int CacheSize { get; set; } = 10_000;

    /// <summary>Also read the token from Onboardbase's <c>API_KEY</c> header (seed 003).</summary>
    public bool AcceptApiKeyHeader { get; set; }

    /// <summary>Access-token prefixes beyond Latchkey's own (<c>lkat_</c>, FeatureOS's <c>foot_</c>). A token with another prefix is refused unread.</summary>
    public IList<string> AdditionalTokenPrefixes { get; } = [];

    /// <summary>The <c>realm</c> of the <c>WWW-Authenticate</c> challenge (RFC 6750 §3); none when null.</summary>
    public string? Realm { get; set; }

    /// <summary>How long an introspection call may take.</summary>
    public TimeSpan BackchannelTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The handler for calls to the Latchkey server (introspection and the revocation feed); tests pass an in-memory server's.</summary>
    public HttpMessageHandler? BackchannelHttpHandler { get; set; }

    /// <summary>
    /// The body of a 400, 401 or 403 answer, for APIs with their own error shape. Null: no body, the
    /// <c>WWW-Authenticate</c> header is the answer (RFC 6750 §3). Status and header are set either way.
    /// </summary>
    public Func<LatchkeyError, IResult>? ErrorBody { get; set; }

    internal Uri AuthorityUri => new(Authority!.TrimEnd('/') + "/");

    public override void Validate(string scheme)
    {
        base.Validate(scheme);
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            throw new InvalidOperationException($"Latchkey scheme '{scheme}': Authority must be the Latchkey server's absolute http(s) URL.");
        }
        if (string.IsNullOrEmpty(ClientId) || string.IsNullOrEmpty(ClientSecret))
        {
            throw new InvalidOperationException($"Latchkey scheme '{scheme}': ClientId and ClientSecret are required (latchkey resource-server create).");
        }
        if (Mode == LatchkeyValidationMode.Direct && string.IsNullOrEmpty(ConnectionString))
        {
            throw new InvalidOperationException($"Latchkey scheme '{scheme}': direct mode needs ConnectionString, Latchkey's database.");
        }
        if (CacheSize < 0 || CacheDuration < TimeSpan.Zero || DisconnectedCacheDuration < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Latchkey scheme '{scheme}': cache size and durations cannot be negative.");
        }
    }
}
