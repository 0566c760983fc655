using System.Security.Claims;

namespace Latchkey.AspNetCore.Tokens;

/// <summary>
/// A live access token as the cache keeps it: what the principal is made of, and what the revocation feed evicts by
/// (installation, client id). Its claims are built once, when it is validated, not on every request that uses it.
/// </summary>
internal sealed class ValidatedToken
{
    public ValidatedToken(string subject, string actor, Guid organizationId, string clientId, Guid installationId,
        IReadOnlyList<string> scopes, DateTimeOffset? expiresAt)
    {
        ClientId = clientId;
        InstallationId = installationId;
        ExpiresAt = expiresAt;
        Claims =
        [
            new(LatchkeyClaimTypes.Subject, subject),
            new(LatchkeyClaimTypes.Actor, actor),
            new(LatchkeyClaimTypes.Organization, organizationId.ToString()),
            new(LatchkeyClaimTypes.ClientId, clientId),
            new(LatchkeyClaimTypes.Installation, installationId.ToString()),
            .. scopes.Select(scope => new Claim(LatchkeyClaimTypes.Scope, scope)),
        ];
    }

    public string ClientId { get; }
    public Guid InstallationId { get; }

    /// <summary>Null: the token lives until revoked (Fillout's).</summary>
    public DateTimeOffset? ExpiresAt { get; }

    public IReadOnlyList<Claim> Claims { get; }

    /// <summary>A fresh principal per request: handlers and claims transformations may change it.</summary>
    public ClaimsPrincipal ToPrincipal(string scheme) =>
        new(new ClaimsIdentity(Claims, scheme, LatchkeyClaimTypes.Subject, roleType: null));
}
