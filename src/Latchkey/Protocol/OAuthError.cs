namespace Latchkey.Protocol;

/// <summary>
/// An OAuth error as a value (RFC 6749 §4.1.2.1 and §5.2): the code a client branches on, a
/// description a person can act on, and the HTTP status the token-style endpoints answer with.
/// Profiles render it in their own shape; the flow only decides which one it is.
/// </summary>
public sealed record OAuthError(string Code, string Description, int Status = StatusCodes.Status400BadRequest)
{
    public static OAuthError InvalidRequest(string description) => new("invalid_request", description);
    public static OAuthError InvalidClient(string description) => new("invalid_client", description, StatusCodes.Status401Unauthorized);
    public static OAuthError InvalidGrant(string description) => new("invalid_grant", description);
    public static OAuthError UnauthorizedClient(string description) => new("unauthorized_client", description);
    public static OAuthError UnsupportedGrantType(string description) => new("unsupported_grant_type", description);
    public static OAuthError UnsupportedResponseType(string description) => new("unsupported_response_type", description);
    public static OAuthError InvalidScope(string description) => new("invalid_scope", description);
    public static OAuthError AccessDenied(string description) => new("access_denied", description);
    public static OAuthError UnsupportedTokenType(string description) => new("unsupported_token_type", description);
}
