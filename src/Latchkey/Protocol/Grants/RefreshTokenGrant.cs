using Latchkey.Profiles;
using Latchkey.Scopes;
using Latchkey.Tokens;

namespace Latchkey.Protocol.Grants;

/// <summary>
/// RFC 6749 §6 with rotation (RFC 9700 §4.14.2): each refresh token works once, or again within the operator's
/// lost-response grace while its successor is unused (<see cref="TokenLifetimes.RefreshReuseGrace"/>).
/// </summary>
public sealed class RefreshTokenGrant(TokenStore tokens, ProfilePolicies profiles) : IGrant
{
    public string GrantType => "refresh_token";

    public async Task<GrantResult> ExecuteAsync(TokenRequest request, CancellationToken ct)
    {
        var app = request.Client.App;
        var policy = profiles.For(app.Profile);
        if (request.Parameters["refresh_token"] is not { } refreshToken)
        {
            return OAuthError.InvalidRequest("The refresh_token parameter is missing.");
        }
        if (!TokenCodec.IsWellFormed(refreshToken, policy.Prefixes.RefreshToken))
        {
            return OAuthError.InvalidGrant("The refresh token is not one this server issued.");
        }
        var requested = request.Parameters["scope"] is { } scope ? ScopeList.Parse(scope) : null;

        var (outcome, issued) = await tokens.RotateRefreshTokenAsync(refreshToken, app.Id,
            presented => Narrow(presented.Scopes, requested), policy.Prefixes, policy.Lifetimes, ct);
        // RFC 6749 §5.2: every refusal of the token itself is invalid_grant. The description says what happened and
        // whether this very request revoked the authorization: a developer can tell a stale token from a stolen one.
        return outcome switch
        {
            RefreshOutcome.Rotated => issued!,
            RefreshOutcome.ReuseDetected => OAuthError.InvalidGrant(
                "Reuse detected: this refresh token was already exchanged for a new one, so every token of this authorization was revoked. Authorize again."),
            RefreshOutcome.ReplacedReuseDetected => OAuthError.InvalidGrant(
                "Reuse detected: this refresh token was replaced when the one before it was presented again, so every token of this authorization was revoked. Authorize again."),
            RefreshOutcome.AlreadyRotated => OAuthError.InvalidGrant(
                "This refresh token was already exchanged for a new one, and this authorization has been revoked since. Authorize again."),
            RefreshOutcome.Revoked => OAuthError.InvalidGrant("The refresh token was revoked. Authorize again."),
            RefreshOutcome.Expired => OAuthError.InvalidGrant("The refresh token has expired; authorize again."),
            RefreshOutcome.ScopeWidened => OAuthError.InvalidScope("A refresh can narrow the scope, never widen it (RFC 6749 §6)."),
            _ => OAuthError.InvalidGrant("The refresh token is not one this server issued to this client."),
        };
    }

    /// <summary>The requested scopes if they are a subset of the original grant, else null.</summary>
    private static IReadOnlyList<string>? Narrow(IReadOnlyList<string> granted, IReadOnlyList<string>? requested) =>
        requested is null ? granted
        : requested.All(scope => ScopeImplications.Allows(granted, scope)) ? requested
        : null;
}
