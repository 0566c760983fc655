using System.Text.Json.Serialization;
using Latchkey.Protocol;
using Latchkey.Sessions;
using Latchkey.Tokens;

namespace Latchkey.Profiles.Fillout;

/// <summary>
/// Seed 002, "Invalidate access token": <c>DELETE /public/oauth/invalidate</c> with <c>Authorization: Bearer
/// &lt;access_token&gt;</c>. The token stops working everywhere at once, with everything issued with it (its
/// family, as RFC 7009 §2.1 suggests for tokens of one grant). The installation stays: the seed invalidates a
/// token, not the user's consent, and an organization admin uninstalls apps.
/// </summary>
public static class FilloutInvalidateEndpoint
{
    public const string Path = "/public/oauth/invalidate";

    public static IEndpointRouteBuilder MapFilloutInvalidateEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapDelete(Path, HandleAsync).ExcludeFromDescription();
        return routes;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, BearerTokenValidator bearer, TokenStore tokens, CancellationToken ct)
    {
        OAuthHttp.NoStore(http.Response);
        var (record, error) = await bearer.ValidateAsync(http.Request, ct);
        if (error is not null)
        {
            // RFC 6750 §3: the token is this request's credential, so an unknown, revoked or expired one is a 401
            // with the Bearer challenge, not RFC 7009's 200. A second invalidation therefore gets a 401 too.
            // No credentials at all has no error code in the challenge (§3.1); the body still names one.
            http.Response.Headers.WWWAuthenticate = error.Challenge;
            return TypedResults.Json(new OAuthErrorBody(error.Code ?? "invalid_token", error.Description), statusCode: error.Status);
        }
        await tokens.RevokeFamilyAsync(record!.InstallationId, record.FamilyId, ct);
        return TypedResults.Json(new InvalidateResponse(true));
    }
}

/// <summary>The seed shows no response; <c>{"success": true}</c> says it worked, as FUB's disconnect does (FACTS.md).</summary>
public sealed record InvalidateResponse([property: JsonPropertyName("success")] bool Success);
