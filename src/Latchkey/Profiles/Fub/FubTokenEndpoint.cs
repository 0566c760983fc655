using System.Net.Http.Headers;
using Latchkey.Protocol;
using Latchkey.Protocol.Token;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Profiles.Fub;

/// <summary>
/// Follow Up Boss's legacy token request (seed 001, steps 3 and 5):
/// <c>GET /oauth/token?grant_type=auth_code&amp;code&amp;redirect_uri&amp;state</c> and
/// <c>GET /oauth/token?grant_type=refresh_token&amp;refresh_token</c>, the client authenticated with HTTP
/// Basic only, answered in FUB's legacy envelope (FACTS.md). It reads the query into the canonical
/// parameters, runs <see cref="TokenFlow"/> for FUB apps only, and renders the result. Every check of its
/// own runs before the flow, so a refused request consumes nothing. <c>POST /oauth/token</c>, FUB's current
/// recommendation, is the standard endpoint and answers RFC 6749 JSON.
/// </summary>
public static class FubTokenEndpoint
{
    /// <summary>FUB's grant names, and the canonical grant each one is.</summary>
    private static readonly Dictionary<string, string> Grants = new(StringComparer.Ordinal)
    {
        ["auth_code"] = "authorization_code",
        ["refresh_token"] = "refresh_token",
    };

    /// <summary>
    /// What each grant needs, as seed 001 lists it. <c>redirect_uri</c> is "an additional verification
    /// factor" there, so it is required. <c>state</c> is sent too, but only the client can check it: the
    /// server keeps no state, so it is accepted and ignored, like every other parameter not named here.
    /// </summary>
    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["auth_code"] = ["code", "redirect_uri"],
        ["refresh_token"] = ["refresh_token"],
    };

    public static IEndpointRouteBuilder MapFubTokenEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/oauth/token", HandleAsync).ExcludeFromDescription();
        return routes;
    }

    private static async Task<Results<JsonHttpResult<FubTokenResponse>, JsonHttpResult<FubLegacyError>>> HandleAsync(HttpContext http, TokenFlow flow, TimeProvider clock, CancellationToken ct)
    {
        OAuthHttp.NoStore(http.Response);
        var (parameters, refusal) = Read(http.Request);
        if (refusal is not null)
        {
            return Refuse(http.Response, refusal);
        }
        var result = await flow.RunAsync(http.Request.Headers.Authorization, parameters!, ProfileName.Fub, ct);
        return result.Error is { } error
            ? Refuse(http.Response, Refusal.Of(error))
            : TypedResults.Json(FubTokenResponse.From(result.Tokens!, clock.GetUtcNow()));
    }

    /// <summary>The request's steps before the flow, in order; the canonical parameters, or why not.</summary>
    private static (OAuthParameters? Parameters, Refusal? Refusal) Read(HttpRequest request)
    {
        // RFC 6749 §3.1: a repeated or oversized parameter is refused, never resolved (DESIGN.md rule 3).
        var (query, unreadable) = OAuthParameters.From(request.Query);
        if (unreadable is not null)
        {
            return (null, Refusal.Of(unreadable));
        }
        var refusal = RefuseSecretInQuery(query!) ?? RequireBasic(request) ?? CheckGrantType(query!) ?? RequireParameters(query!);
        if (refusal is not null)
        {
            return (null, refusal);
        }
        var grant = query!["grant_type"]!;
        var (parameters, _) = OAuthParameters.From(
            [new("grant_type", Grants[grant]), .. Required[grant].Select(name => KeyValuePair.Create(name, new StringValues(query[name])))]);
        return (parameters, null);
    }

    /// <summary>
    /// Seed 001: "Your request must be Authenticated with HTTP Basic". A secret in a URL lands in logs and
    /// histories, so it is refused outright, before anything is looked up or consumed.
    /// </summary>
    private static Refusal? RefuseSecretInQuery(OAuthParameters query) =>
        query["client_secret"] is null ? null : Refusal.Of(OAuthError.InvalidRequest(
            "client_secret must not be sent in the query string. Authenticate with HTTP Basic: Authorization: Basic base64(client_id:client_secret)."));

    /// <summary>Seed 001: HTTP Basic is the only client authentication; a client id alone identifies nobody here.</summary>
    private static Refusal? RequireBasic(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header)
        && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
            ? null
            : Refusal.Of(OAuthError.InvalidClient("Authenticate with HTTP Basic: Authorization: Basic base64(client_id:client_secret)."));

    private static Refusal? CheckGrantType(OAuthParameters query) => query["grant_type"] switch
    {
        null => new Refusal(FubLegacyError.MissingParams("grant_type"), StatusCodes.Status400BadRequest),
        { } grant when Grants.ContainsKey(grant) => null,
        { } grant => Refusal.Of(OAuthError.UnsupportedGrantType($"The grant type '{grant}' is not supported here; use auth_code or refresh_token.")),
    };

    /// <summary>FUB's "Missing required params", naming every one that is missing.</summary>
    private static Refusal? RequireParameters(OAuthParameters query) =>
        Required[query["grant_type"]!].Where(name => query[name] is null).ToArray() is { Length: > 0 } missing
            ? new Refusal(FubLegacyError.MissingParams(missing), StatusCodes.Status400BadRequest)
            : null;

    /// <summary>FUB's legacy error envelope; a 401 names the Basic scheme it wants (RFC 6749 §5.2).</summary>
    private static JsonHttpResult<FubLegacyError> Refuse(HttpResponse response, Refusal refusal)
    {
        OAuthHttp.ChallengeIfUnauthorized(response, refusal.Status);
        return TypedResults.Json(refusal.Body, statusCode: refusal.Status);
    }

    /// <summary>A refused request: FUB's body and the HTTP status it goes with.</summary>
    private sealed record Refusal(FubLegacyError Body, int Status)
    {
        public static Refusal Of(OAuthError error) => new(FubLegacyError.From(error), error.Status);
    }
}
