using System.Text.Json.Serialization;
using Latchkey.Protocol;
using Latchkey.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Profiles.FeatureOs;

/// <summary>
/// <c>GET /api/v3/session_info</c> (FACTS.md "FeatureOS", "Using tokens"): whom an access token acts as, and in
/// which organization. FeatureOS's "Using Access Tokens" page (developers.featureos.app/docs/oauth-apps/access-tokens)
/// says it requires <c>posts:read</c>, so it does here; a token without it gets FeatureOS's 403.
/// <c>/api/v1/session</c> (<see cref="Sessions.SessionEndpoint"/>) answers the same question in Latchkey's shape, with the app and scopes.
/// </summary>
public static class SessionInfoEndpoint
{
    public const string Path = "/api/v3/session_info";
    public const string RequiredScope = "posts:read";

    public static IEndpointRouteBuilder MapFeatureOsSessionInfo(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, HandleAsync).RequireOAuthScope(RequiredScope).WithTags("FeatureOS")
            .WithSummary("Who a FeatureOS access token acts as, and in which organization.")
            .Produces<FeatureOsError>(StatusCodes.Status401Unauthorized)
            .Produces<FeatureOsError>(StatusCodes.Status403Forbidden);
        return routes;
    }

    private static async Task<Ok<SessionInfo>> HandleAsync(HttpContext http, LatchkeyDbContext db, CancellationToken ct)
    {
        OAuthHttp.NoStore(http.Response);
        var token = http.OAuthToken();
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == token.OrganizationId, ct);
        // For actor app the user is the app's bot identity (seed 004, "Actor mode"): its subject, named after the app, no email.
        var user = token.UserId is { } userId
            ? await db.Users.AsNoTracking().Where(u => u.Id == userId)
                .Select(u => new SessionInfoUser(token.Subject, u.UserName, u.Email)).SingleAsync(ct)
            : new SessionInfoUser(token.Subject, token.AppName, null);
        return TypedResults.Ok(new SessionInfo(true, user, token.ActorMode, FeatureOsOrganization.From(organization)));
    }
}

public sealed record SessionInfo(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("user")] SessionInfoUser User,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("organization")] FeatureOsOrganization Organization);

/// <param name="Id">The user's id, or for a bot <c>app:&lt;client_id&gt;</c> (<see cref="Tokens.TokenRecord.Subject"/>).</param>
public sealed record SessionInfoUser(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("email")] string? Email);
