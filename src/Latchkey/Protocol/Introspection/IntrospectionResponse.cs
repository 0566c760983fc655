using System.Text.Json.Serialization;
using Latchkey.Scopes;
using Latchkey.Tokens;

namespace Latchkey.Protocol.Introspection;

/// <summary>
/// RFC 7662 §2.2. An inactive token is exactly <c>{"active": false}</c>: the RFC's SHOULD NOT "include any
/// additional information about an inactive token, including why". Beyond the RFC's members an active token
/// carries <c>org</c>, <c>actor</c> and <c>installation</c>, what a resource server needs to scope its answer.
/// </summary>
public sealed record IntrospectionResponse(
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("scope")] string? Scope = null,
    [property: JsonPropertyName("client_id")] string? ClientId = null,
    [property: JsonPropertyName("token_type")] string? TokenType = null,
    [property: JsonPropertyName("exp")] long? ExpiresAt = null,
    [property: JsonPropertyName("iat")] long? IssuedAt = null,
    [property: JsonPropertyName("sub")] string? Subject = null,
    [property: JsonPropertyName("iss")] string? Issuer = null,
    [property: JsonPropertyName("org")] Guid? OrganizationId = null,
    [property: JsonPropertyName("actor")] string? Actor = null,
    [property: JsonPropertyName("installation")] Guid? InstallationId = null)
{
    public static readonly IntrospectionResponse Inactive = new(false);

    /// <summary>
    /// <c>token_type</c> is the RFC 6749 §7.1 access token type, <c>Bearer</c>, for access tokens. A refresh token
    /// has no such type and is never a Bearer credential; the owning app (the only caller that sees one live) gets
    /// <c>refresh_token</c>, the value RFC 7009 §2.1 and RFC 7662 §2.1 use for its hint, and never <c>Bearer</c>.
    /// No <c>exp</c> when the token lives until revoked. <c>scope</c> lists what the token may do: the granted scopes
    /// and those they imply (<see cref="ScopeImplications"/>), so a resource server need not know the implications.
    /// </summary>
    public static IntrospectionResponse For(TokenRecord token, string issuer) => new(
        Active: true,
        Scope: token.Scopes.Count > 0 ? ScopeList.Format(ScopeImplications.Expand(token.Scopes)) : null,
        ClientId: token.ClientId,
        TokenType: token.Kind == TokenKind.AccessToken ? "Bearer" : "refresh_token",
        ExpiresAt: token.ExpiresAt?.ToUnixTimeSeconds(),
        IssuedAt: token.IssuedAt.ToUnixTimeSeconds(),
        Subject: token.Subject,
        Issuer: issuer,
        OrganizationId: token.OrganizationId,
        Actor: token.ActorMode,
        InstallationId: token.InstallationId);
}
