namespace Latchkey.Tokens;

/// <summary>How long each credential lives (DESIGN.md "Tokens"). Null: until revoked.</summary>
public sealed class TokenLifetimes
{
    /// <summary>RFC 6749 §4.1.2 recommends at most 10 minutes; FeatureOS documents 5 (seed 004).</summary>
    public TimeSpan AuthorizationCode { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan? AccessToken { get; set; } = TimeSpan.FromHours(24);
    public TimeSpan? RefreshToken { get; set; }
}
