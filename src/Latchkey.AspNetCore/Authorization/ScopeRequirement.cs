using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore;

/// <summary>The caller's token must carry every one of <see cref="Scopes"/> (as <see cref="LatchkeyClaimTypes.Scope"/> claims).</summary>
public sealed class ScopeRequirement(IReadOnlyList<string> scopes) : IAuthorizationRequirement
{
    public IReadOnlyList<string> Scopes { get; } = scopes;

    internal string? FirstMissing(ClaimsPrincipal user)
    {
        foreach (var scope in Scopes)
        {
            if (!user.HasClaim(LatchkeyClaimTypes.Scope, scope))
            {
                return scope;
            }
        }
        return null;
    }
}

/// <summary>
/// Decides <see cref="ScopeRequirement"/>. An unauthenticated caller is left to the challenge (401); an authenticated
/// one without the scope fails, and the scope is noted so the 403 can name it.
/// </summary>
internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return Task.CompletedTask;
        }
        if (requirement.FirstMissing(context.User) is { } missing)
        {
            if (context.Resource is HttpContext http)
            {
                http.Items[MissingScope.Key] = missing;
            }
            context.Fail(new AuthorizationFailureReason(this, $"The access token lacks the scope {missing}."));
            return Task.CompletedTask;
        }
        context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
