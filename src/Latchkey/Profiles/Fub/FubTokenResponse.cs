using System.Globalization;
using System.Text.Json.Serialization;
using Latchkey.Tokens;

namespace Latchkey.Profiles.Fub;

/// <summary>
/// FUB's legacy token answer (FACTS.md, "Token Exchange Response"):
/// <c>{success: true, data: {access_token, token_type: "bearer", refresh_token, ttl, issued_at, expires_at}}</c>.
/// </summary>
public sealed record FubTokenResponse([property: JsonPropertyName("data")] FubTokenData Data)
{
    [JsonPropertyName("success")]
    [JsonPropertyOrder(-1)]
    public bool Success => true;

    /// <summary>
    /// <c>ttl</c> is the access token's lifetime in seconds, as a string (FUB's type). Both times are FUB's
    /// <c>Y-m-dTH:i:sZ</c> (<see cref="FubTime"/>); FACTS.md gives that format for <c>expires_at</c> only, and
    /// <c>issued_at</c> uses the same one so a client parses both alike. They are whole seconds derived from one
    /// instant, so <c>issued_at + ttl = expires_at</c> exactly. A token without expiry has null for all three
    /// but <c>issued_at</c>; a set without a refresh token has a null <c>refresh_token</c>.
    /// </summary>
    public static FubTokenResponse From(TokenSet tokens, DateTimeOffset now)
    {
        var expires = tokens.AccessTokenExpiresAt;
        var ttl = expires is { } at ? (long)Math.Round((at - now).TotalSeconds) : (long?)null;
        var issued = expires is { } end && ttl is { } seconds ? end.AddSeconds(-seconds) : now;
        return new(new FubTokenData(
            tokens.AccessToken,
            "bearer",
            tokens.RefreshToken,
            ttl?.ToString(CultureInfo.InvariantCulture),
            FubTime.Format(issued),
            expires is { } expiry ? FubTime.Format(expiry) : null));
    }
}

public sealed record FubTokenData(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("ttl")] string? Ttl,
    [property: JsonPropertyName("issued_at")] string IssuedAt,
    [property: JsonPropertyName("expires_at")] string? ExpiresAt);

/// <summary>FUB's success answer without data (FACTS.md, <c>revokeAccess</c>): <c>{"success": true}</c>.</summary>
public sealed record FubSuccess
{
    [JsonPropertyName("success")]
    public bool Success => true;
}
