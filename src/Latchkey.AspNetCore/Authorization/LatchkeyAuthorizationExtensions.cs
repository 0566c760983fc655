using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;

namespace Latchkey.AspNetCore;

public static class LatchkeyAuthorizationExtensions
{
    /// <summary>
    /// A policy that needs a Latchkey token carrying every one of <paramref name="scopes"/>:
    /// <c>options.AddPolicy("write", p => p.RequireScope("posts:write"))</c>. No token, or a bad one, is 401
    /// <c>invalid_token</c>; a good one without a scope is 403 <c>insufficient_scope</c> naming it (RFC 6750 §3.1).
    /// </summary>
    public static AuthorizationPolicyBuilder RequireScope(this AuthorizationPolicyBuilder policy, params string[] scopes) =>
        policy.AddAuthenticationSchemes(LatchkeyDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new ScopeRequirement(scopes));

    /// <summary>
    /// <c>app.MapPost("/posts", …).RequireScope("posts:write")</c>; with no scope named, any live token. This adds
    /// authorization metadata rather than an endpoint filter: the authorization middleware runs before minimal APIs
    /// bind parameters, whereas a filter runs after, so a caller without a token would read the body and could get
    /// a 400 for it instead of a 401.
    /// </summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder endpoint, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireAuthorization(policy => policy.RequireScope(scopes));
}
