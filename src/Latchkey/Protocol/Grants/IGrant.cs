using Latchkey.Protocol.Token;
using Latchkey.Tokens;

namespace Latchkey.Protocol.Grants;

/// <summary>A token request after parsing and client authentication: what every grant starts from.</summary>
public sealed record TokenRequest(AuthenticatedClient Client, OAuthParameters Parameters);

/// <summary>A grant's outcome: a token set, or the one error the client gets.</summary>
public sealed record GrantResult(TokenSet? Tokens, OAuthError? Error)
{
    public static implicit operator GrantResult(TokenSet tokens) => new(tokens, null);
    public static implicit operator GrantResult(OAuthError error) => new(null, error);
}

/// <summary>One grant type of the token endpoint (RFC 6749 §4), one file each.</summary>
public interface IGrant
{
    string GrantType { get; }

    Task<GrantResult> ExecuteAsync(TokenRequest request, CancellationToken ct);
}
