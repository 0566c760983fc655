using System.Security.Claims;
using Latchkey.AspNetCore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SampleApi;

/// <summary><c>GET /api/session_info</c>: who the token acts as, as the Latchkey principal carries it. Any live token.</summary>
public static class SessionInfoEndpoint
{
    public static IEndpointRouteBuilder MapSessionInfo(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/session_info", Handle).RequireScope();
        return routes;
    }

    private static Ok<SessionInfo> Handle(ClaimsPrincipal user) => TypedResults.Ok(new SessionInfo(
        true,
        user.FindFirstValue(LatchkeyClaimTypes.Subject)!,
        user.FindFirstValue(LatchkeyClaimTypes.Actor)!,
        user.FindFirstValue(LatchkeyClaimTypes.Organization)!,
        user.FindFirstValue(LatchkeyClaimTypes.ClientId)!,
        user.FindFirstValue(LatchkeyClaimTypes.Installation)!,
        [.. user.FindAll(LatchkeyClaimTypes.Scope).Select(c => c.Value)]));
}

public sealed record SessionInfo(bool Success, string Subject, string Actor, string Organization, string ClientId, string Installation, IReadOnlyList<string> Scopes);
