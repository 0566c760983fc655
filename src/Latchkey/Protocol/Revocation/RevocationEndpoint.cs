using Latchkey.Profiles;
using Latchkey.Protocol.Token;
using Latchkey.Tokens;

namespace Latchkey.Protocol.Revocation;

/// <summary><c>POST /oauth/revoke</c> (RFC 7009): an app says it no longer needs a token.</summary>
public static class RevocationEndpoint
{
    public static IEndpointRouteBuilder MapRevocationEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/oauth/revoke", HandleAsync).DisableAntiforgery().WithTags("OAuth");
        return routes;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, ClientAuthenticator clients, TokenStore tokens, CancellationToken ct)
    {
        OAuthHttp.NoStore(http.Response);
        // RFC 7009 §2.1: a form POST, as at the token endpoint.
        var (parameters, error) = await OAuthHttp.ReadFormAsync(http.Request, ct);
        if (error is not null)
        {
            return OAuthHttp.Error(http.Response, error);
        }
        // RFC 7009 §2.1: the client authenticates as at the token endpoint (RFC 6749 §2.3); a public client names itself.
        var (client, clientError) = await clients.AuthenticateAsync(http.Request.Headers.Authorization, parameters!, ct);
        if (clientError is not null)
        {
            return OAuthHttp.Error(http.Response, clientError);
        }
        if (parameters!["token"] is not { } token)
        {
            return OAuthHttp.Error(http.Response, OAuthError.InvalidRequest("The token parameter is missing."));
        }
        // token_type_hint is not read. RFC 7009 §2.1 lets a server ignore it "particularly if it is able to detect the
        // token type automatically", which the prefix does, and one unique index finds either kind. §2.2: an invalid
        // hint "is ignored ... and does not influence the revocation response". Both kinds are revocable, so
        // unsupported_token_type (§2.2.1) never applies.
        var prefixes = ProfileTokenPrefixes.For(client!.App.Profile);
        if (TokenCodec.IsWellFormed(token, prefixes.AccessToken) || TokenCodec.IsWellFormed(token, prefixes.RefreshToken))
        {
            await tokens.RevokeAsync(token, client.App.Id, ct);
        }
        // RFC 7009 §2.2: 200 also for an invalid token ("the purpose of the revocation request ... is already
        // achieved"). A token of another app counts as invalid for this one: an error would tell the caller that the
        // string it holds is live somewhere, so it gets the same 200, and nothing changes.
        return TypedResults.Ok();
    }
}
