using System.Text.Json;
using System.Text.Json.Serialization;
using Latchkey.Tokens;

namespace Latchkey.Protocol.Introspection;

/// <summary><c>POST /oauth/introspect</c> (RFC 7662): a resource server, or an app, asks whether a token is live and what it may do.</summary>
public static class IntrospectionEndpoint
{
    /// <summary>Absent members are left out, so an inactive answer is the one member RFC 7662 §2.2 asks for.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IEndpointRouteBuilder MapIntrospectionEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/oauth/introspect", HandleAsync).DisableAntiforgery().WithTags("OAuth");
        return routes;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, IntrospectionAuthenticator callers, TokenLookup tokens,
        Issuer issuer, TimeProvider clock, CancellationToken ct)
    {
        // RFC 7662 §2.2 asks responses not be cached like token responses are (RFC 6749 §5.1).
        OAuthHttp.NoStore(http.Response);
        // RFC 7662 §2.1: a form POST.
        var (parameters, error) = await OAuthHttp.ReadFormAsync(http.Request, ct);
        if (error is not null)
        {
            return OAuthHttp.Error(http.Response, error);
        }
        // RFC 7662 §2.1 and §2.3: an unauthorized caller gets 401, before anything about the token.
        var (caller, callerError) = await callers.AuthenticateAsync(http.Request.Headers.Authorization, parameters!, ct);
        if (callerError is not null)
        {
            return OAuthHttp.Error(http.Response, callerError);
        }
        if (parameters!["token"] is not { } presented)
        {
            return OAuthHttp.Error(http.Response, OAuthError.InvalidRequest("The token parameter is missing."));
        }
        // token_type_hint is not read: RFC 7662 §2.1 lets the server ignore it, the prefix names the kind, and one
        // unique index finds either kind.
        var token = await tokens.FindAsync(presented, kind: null, ct);
        if (token is null || !caller!.MaySee(token) || token.WhyInactiveAt(clock.GetUtcNow()) is not null
            // Onboardbase (seed 003): a caller that sends the API key's passphrase asks whether the key works with it.
            || (parameters["passphrase"] is { } passphrase && !TokenPassphrases.Matches(token, passphrase)))
        {
            return TypedResults.Json(IntrospectionResponse.Inactive, Json);
        }
        if (caller.IsResourceServer)
        {
            // A resource server asking is the token being used at the API.
            await tokens.RecordUseAsync(token, ct);
        }
        return TypedResults.Json(IntrospectionResponse.For(token, issuer.For(http.Request)), Json);
    }
}
