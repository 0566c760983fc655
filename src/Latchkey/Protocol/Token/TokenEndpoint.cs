using System.Text.Json.Serialization;
using Latchkey.Tokens;

namespace Latchkey.Protocol.Token;

/// <summary><c>POST /oauth/token</c> (RFC 6749 §3.2), the standard wire form of <see cref="TokenFlow"/>.</summary>
public static class TokenEndpoint
{
    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/oauth/token", HandleAsync).DisableAntiforgery().ExcludeFromDescription();
        return routes;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, TokenFlow flow, TimeProvider clock,
        IEnumerable<ITokenDialect> dialects, CancellationToken ct)
    {
        // The query string is refused below (RFC 6749 §2.3.1: credentials there end up in logs), unless a
        // profile whose clients must send it there claims the request for one of its own apps.
        if (http.Request.QueryString.HasValue)
        {
            foreach (var dialect in dialects)
            {
                if (await dialect.ClaimsAsync(http.Request, ct))
                {
                    return await dialect.HandleAsync(http, ct);
                }
            }
        }
        OAuthHttp.NoStore(http.Response);
        var (parameters, error) = await OAuthHttp.ReadFormAsync(http.Request, ct);
        if (error is not null)
        {
            return OAuthHttp.Error(http.Response, error);
        }
        var result = await flow.RunAsync(http.Request.Headers.Authorization, parameters!, ct);
        return result.Error is { } grantError
            ? OAuthHttp.Error(http.Response, grantError)
            : TypedResults.Json(TokenResponse.From(result.Tokens!, clock.GetUtcNow()));
    }
}

/// <summary>RFC 6749 §5.1.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ExpiresIn,
    [property: JsonPropertyName("refresh_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken,
    [property: JsonPropertyName("scope")] string Scope)
{
    public static TokenResponse From(TokenSet tokens, DateTimeOffset now) => new(
        tokens.AccessToken,
        "Bearer",
        tokens.AccessTokenExpiresAt is { } expires ? (long)Math.Round((expires - now).TotalSeconds) : null,
        tokens.RefreshToken,
        ScopeList.Format(tokens.Scopes));
}
