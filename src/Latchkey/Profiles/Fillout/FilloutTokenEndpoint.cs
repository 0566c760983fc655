using System.Text.Json.Serialization;
using Latchkey.Configuration;
using Latchkey.Protocol;
using Latchkey.Protocol.Token;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Profiles.Fillout;

/// <summary>
/// Seed 002, "Token creation request": <c>POST /public/oauth/accessToken</c> with code, client_id, client_secret and
/// redirect_uri in the body, answering <c>{access_token, base_url}</c>. It is the authorization_code grant of
/// <see cref="TokenFlow"/> in another wire form; errors are RFC 6749 §5.2's, body and statuses, as at
/// <c>POST /oauth/token</c>, since the seed shows none.
/// </summary>
public static class FilloutTokenEndpoint
{
    public const string Path = "/public/oauth/accessToken";
    private const string GrantType = "authorization_code";

    public static IEndpointRouteBuilder MapFilloutTokenEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, HandleAsync).DisableAntiforgery().ExcludeFromDescription();
        return routes;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, TokenFlow flow, Issuer issuer,
        IOptions<LatchkeyOptions> options, CancellationToken ct)
    {
        OAuthHttp.NoStore(http.Response);
        var (parameters, error) = await FilloutTokenRequest.ReadAsync(http.Request, ct);
        error ??= RequireGrantFields(parameters!);
        if (error is not null)
        {
            return OAuthHttp.Error(http.Response, error);
        }
        // Client authentication is RFC 6749 §2.3's, as at the standard endpoint: the body's client_id and
        // client_secret as the seed sends them, or HTTP Basic. Only Fillout apps, checked before the code is touched:
        // this response has no room for the refresh token and expiry other profiles issue, so their codes are
        // redeemed at POST /oauth/token.
        var result = await flow.RunAsync(http.Request.Headers.Authorization, WithGrantType(parameters!), ProfileName.Fillout, ct);
        return result.Error is { } grantError
            ? OAuthHttp.Error(http.Response, grantError)
            : TypedResults.Json(new FilloutTokenResponse(result.Tokens!.AccessToken, BaseUrl(options.Value.Fillout, issuer, http.Request)));
    }

    /// <summary>
    /// Seed 002 requires the code and "the redirect uri you originally received to generate this code". Both are
    /// checked before the code is touched, so a request missing one leaves the code redeemable.
    /// </summary>
    private static OAuthError? RequireGrantFields(OAuthParameters parameters) =>
        parameters["code"] is null ? OAuthError.InvalidRequest("The code field is missing.")
        : parameters["redirect_uri"] is null ? OAuthError.InvalidRequest("The redirect_uri field is missing: send the one the authorization request had.")
        : parameters["grant_type"] is { } grant && grant != GrantType ? OAuthError.UnsupportedGrantType($"This endpoint only redeems codes (grant_type={GrantType}); refresh tokens do not exist in this profile.")
        : null;

    private static OAuthParameters WithGrantType(OAuthParameters parameters) =>
        parameters["grant_type"] is not null
            ? parameters
            : OAuthParameters.From([.. parameters.Names.Select(n => KeyValuePair.Create(n, new StringValues(parameters[n]))), new("grant_type", GrantType)]).Parameters!;

    /// <summary>The configured API base (<see cref="FilloutOptions.BaseUrl"/>), else this server's issuer.</summary>
    private static string BaseUrl(FilloutOptions fillout, Issuer issuer, HttpRequest request) =>
        fillout.BaseUrl?.TrimEnd('/') is { Length: > 0 } configured ? configured : issuer.For(request);
}

/// <summary>Seed 002: the access token and the API it is for; no token_type, expiry, refresh token or scope (FACTS.md "Fillout").</summary>
public sealed record FilloutTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("base_url")] string BaseUrl);
