using Latchkey.Protocol.Token;
using Latchkey.ResourceServers;
using Latchkey.Tokens;

namespace Latchkey.Protocol.Introspection;

/// <summary>Who asks about a token: a resource server (<see cref="AppId"/> null) or an app asking about its own.</summary>
public sealed record IntrospectionCaller(long? AppId)
{
    public bool IsResourceServer => AppId is null;

    /// <summary>
    /// RFC 7662 §2.2: a token the caller "is not allowed to introspect" is answered as inactive. An app sees only
    /// its own tokens. A resource server sees access tokens only: RFC 6749 §1.5 keeps refresh tokens between the
    /// client and this server, so one reaching a resource server is being misused, and it must not look live there.
    /// </summary>
    public bool MaySee(TokenRecord token) =>
        AppId is { } appId ? token.AppId == appId : token.Kind == TokenKind.AccessToken;
}

/// <summary>
/// RFC 7662 §2.1: "the endpoint MUST also require some form of authorization". Resource servers and apps
/// authenticate as at the token endpoint (RFC 6749 §2.3: HTTP Basic or the body, the two methods the metadata
/// advertises), but only with a secret: a public client's client_id proves nothing, and the RFC's reason is to
/// stop token scanning.
/// </summary>
public sealed class IntrospectionAuthenticator(ResourceServerCredentials resourceServers, ClientAuthenticator clients)
{
    public async Task<(IntrospectionCaller? Caller, OAuthError? Error)> AuthenticateAsync(
        string? authorizationHeader, OAuthParameters parameters, CancellationToken ct)
    {
        var (id, secret, _) = BasicCredentials.Parse(authorizationHeader);
        if (ResourceServerCredentials.IsResourceServerId(id))
        {
            if (parameters["client_id"] is not null || parameters["client_secret"] is not null)
            {
                return (null, OAuthError.InvalidRequest("Send the credentials either in the Authorization header or in the body, not both (RFC 6749 §2.3)."));
            }
            return await ResourceServerAsync(id, secret, ct);
        }
        if (authorizationHeader is null && ResourceServerCredentials.IsResourceServerId(parameters["client_id"]))
        {
            return await ResourceServerAsync(parameters["client_id"], parameters["client_secret"], ct);
        }
        var (client, error) = await clients.AuthenticateAsync(authorizationHeader, parameters, ct);
        if (error is not null)
        {
            return (null, error);
        }
        return client!.Method == ClientAuthenticationMethod.None
            ? (null, OAuthError.InvalidClient("Introspection needs a client secret or resource-server credentials; a public client cannot use it."))
            : (new IntrospectionCaller(client.App.Id), null);
    }

    private async Task<(IntrospectionCaller? Caller, OAuthError? Error)> ResourceServerAsync(string? id, string? secret, CancellationToken ct) =>
        await resourceServers.AuthenticateAsync(id, secret, ct) is null
            ? (null, OAuthError.InvalidClient("Resource server authentication failed: the id is unknown, or the secret is wrong or revoked."))
            : (new IntrospectionCaller(null), null);
}
