namespace Latchkey.Tokens;

/// <summary>How long each credential lives (DESIGN.md "Tokens"). Null: until revoked.</summary>
public sealed class TokenLifetimes
{
    /// <summary>The longest <see cref="RefreshReuseGrace"/> an operator may set (issue 3, "Refresh").</summary>
    public static readonly TimeSpan MaxRefreshReuseGrace = TimeSpan.FromMinutes(5);

    /// <summary>RFC 6749 §4.1.2 recommends at most 10 minutes; FeatureOS documents 5 (seed 004).</summary>
    public TimeSpan AuthorizationCode { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan? AccessToken { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan? RefreshToken { get; set; }

    /// <summary>
    /// The lost-response grace: for this long after a refresh token is rotated, presenting it again is not reuse
    /// (RFC 9700 §4.14.2) as long as its successor has not been rotated; it replaces the unused successor instead.
    /// A client whose response was lost can retry; a thief who races the client within the window is not caught.
    /// Zero, the default, turns it off; at most <see cref="MaxRefreshReuseGrace"/>.
    /// </summary>
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.Zero;
}
