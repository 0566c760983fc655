using System.Text.Json.Serialization;
using Latchkey.Protocol;
using Latchkey.Scopes;
using Latchkey.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Sessions;

/// <summary>
/// <c>GET /api/v1/session</c>: who a Bearer access token acts as, in which organization, for which app,
/// with which scopes. Shaped like FeatureOS's <c>session_info</c> (seeds/FACTS.md), so an app can check
/// a token, and show whom it connected, without knowing the operator's API.
/// </summary>
public static class SessionEndpoint
{
    public const string Path = "/api/v1/session";

    public static IEndpointRouteBuilder MapSessionEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, HandleAsync)
            .WithTags("Session")
            .WithSummary("Who an access token acts as")
            .WithDescription("Send an app's access token as `Authorization: Bearer <access token>` (RFC 6750 §2.1), "
                + "or as `API_KEY: <api key>` (Onboardbase); tokens in the query string or form body are refused. "
                + "Answers the user (null when the app acts as itself), the actor, the app, the organization and the scopes: "
                + "those granted and those they imply.")
            .Produces<SessionError>(StatusCodes.Status400BadRequest)
            .Produces<SessionError>(StatusCodes.Status401Unauthorized);
        return routes;
    }

    private static async Task<Results<Ok<SessionInfo>, JsonHttpResult<SessionError>>> HandleAsync(
        HttpContext http, BearerTokenValidator bearer, LatchkeyDbContext db, CancellationToken ct)
    {
        OAuthHttp.NoStore(http.Response);
        var (token, error) = await bearer.ValidateAsync(http.Request, ct);
        if (error is not null)
        {
            // RFC 6750 §3: the challenge is the contract; the body says the same for people, as FeatureOS's errors do.
            http.Response.Headers.WWWAuthenticate = error.Challenge;
            return TypedResults.Json(new SessionError(false, error.Status, error.Description), statusCode: error.Status);
        }
        var organization = await db.Organizations.AsNoTracking()
            .Where(o => o.Id == token!.OrganizationId)
            .Select(o => new SessionOrganization(o.Id, o.Name))
            .SingleAsync(ct);
        var user = token!.UserId is { } userId
            ? await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new SessionUser(u.Id, u.UserName, u.Email)).SingleAsync(ct)
            : null;
        return TypedResults.Ok(new SessionInfo(true, user, token.ActorMode, new SessionApp(token.ClientId, token.AppName), organization,
            ScopeImplications.Expand(token.Scopes)));
    }
}

public sealed record SessionInfo(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("user")] SessionUser? User,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("app")] SessionApp App,
    [property: JsonPropertyName("organization")] SessionOrganization Organization,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes);

public sealed record SessionUser(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("email")] string? Email);

public sealed record SessionApp(
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("name")] string Name);

public sealed record SessionOrganization(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name);

/// <summary>FeatureOS's error shape (seeds/FACTS.md, "Using tokens"): <c>{success: false, status, message}</c>.</summary>
public sealed record SessionError(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("message")] string Message);
