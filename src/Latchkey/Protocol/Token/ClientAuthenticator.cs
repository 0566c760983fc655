using Latchkey.Apps;
using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Protocol.Token;

/// <summary>The client a token-style request comes from, and how it proved it.</summary>
public sealed record AuthenticatedClient(App App, ClientAuthenticationMethod Method);

public enum ClientAuthenticationMethod
{
    /// <summary>RFC 6749 §2.3.1, HTTP Basic.</summary>
    ClientSecretBasic,
    /// <summary>RFC 6749 §2.3.1, credentials in the form body.</summary>
    ClientSecretPost,
    /// <summary>A public client (RFC 6749 §2.1): identified by client_id, proven by PKCE later.</summary>
    None,
}

/// <summary>
/// Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3).
/// Exactly one method per request (§2.3: "MUST NOT use more than one"); secrets compared in
/// constant time against hashes (DESIGN.md rule 4).
/// </summary>
public sealed class ClientAuthenticator(LatchkeyDbContext db, TimeProvider clock)
{
    /// <summary>Every token, revocation and introspection request authenticates its client.</summary>
    private static readonly CompiledQuery<Func<LatchkeyDbContext, string, CancellationToken, Task<App?>>> ByClientId = new(() =>
        EF.CompileAsyncQuery((LatchkeyDbContext db, string clientId, CancellationToken ct) =>
            db.Apps.AsNoTracking().Include(a => a.Secrets).SingleOrDefault(a => a.ClientId == clientId)));

    public async Task<(AuthenticatedClient? Client, OAuthError? Error)> AuthenticateAsync(
        string? authorizationHeader, OAuthParameters parameters, CancellationToken ct)
    {
        var (basicId, basicSecret, basicError) = BasicCredentials.Parse(authorizationHeader);
        if (basicError is not null)
        {
            return (null, basicError);
        }
        var bodyId = parameters["client_id"];
        var bodySecret = parameters["client_secret"];
        if (basicId is not null && bodySecret is not null)
        {
            return (null, OAuthError.InvalidRequest("Send the client secret either in the Authorization header or in the body, not both (RFC 6749 §2.3)."));
        }
        if (basicId is not null && bodyId is not null && bodyId != basicId)
        {
            return (null, OAuthError.InvalidRequest("client_id in the body differs from the one in the Authorization header."));
        }
        var clientId = basicId ?? bodyId;
        if (clientId is null)
        {
            return (null, OAuthError.InvalidClient("Client authentication is required: send HTTP Basic credentials, or client_id (and client_secret) in the body."));
        }
        var app = await ByClientId.For(db)(db, clientId, ct);
        var secret = basicSecret ?? bodySecret;
        var method = basicId is not null ? ClientAuthenticationMethod.ClientSecretBasic
            : bodySecret is not null ? ClientAuthenticationMethod.ClientSecretPost
            : ClientAuthenticationMethod.None;
        if (app is null || app.Status != AppStatus.Active)
        {
            return (null, OAuthError.InvalidClient("Unknown client, or the client is suspended."));
        }
        if (method == ClientAuthenticationMethod.None)
        {
            return app.IsPublic
                ? (new AuthenticatedClient(app, method), null)
                : (null, OAuthError.InvalidClient("This client is confidential: authenticate with its client secret."));
        }
        if (app.IsPublic || secret is null || !ClientSecrets.Verify(app, secret, clock.GetUtcNow()))
        {
            return (null, OAuthError.InvalidClient("Client authentication failed: the client secret is wrong, expired or revoked."));
        }
        return (new AuthenticatedClient(app, method), null);
    }
}
