using Latchkey.Apps;
using Latchkey.Scopes;
using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Protocol.Authorize;

/// <summary>
/// The authorization request's checks, in the order they run. The first two establish the client
/// and where its responses go; until both pass, an error is shown to the user, never redirected
/// (RFC 6749 §4.1.2.1, DESIGN.md rule 1). Every later error goes back to the client's redirect URI.
/// The consent form's POST runs the same steps again on the request it carries, so nothing posted
/// is trusted beyond what a fresh authorization request would be.
/// </summary>
public sealed class AuthorizationValidator(LatchkeyDbContext db, ScopeCatalogues catalogues)
{
    private const string ResponseTypeCode = "code";

    public async Task<(ValidatedAuthorization? Authorization, AuthorizationOutcome? Failure)> ValidateAsync(
        AuthorizationRequest request, CancellationToken ct)
    {
        var (app, clientProblem) = await IdentifyClientAsync(request, ct);
        if (clientProblem is not null)
        {
            return (null, new ShowError(clientProblem));
        }
        var (redirectUri, redirectProblem) = ResolveRedirectUri(request, app!);
        if (redirectProblem is not null)
        {
            return (null, new ShowError(redirectProblem));
        }

        var grantable = catalogues.Grantable(app!);
        var error = RejectUnreadableParameters(request)
            ?? CheckResponseType(request)
            ?? CheckScopes(request, grantable)
            ?? CheckPkce(request, app!)
            ?? CheckActor(request, app!)
            ?? CheckPrompt(request);
        if (error is not null)
        {
            return (null, new RedirectToClient(redirectUri!, null, error, request.State));
        }
        return (new ValidatedAuthorization(request, app!, redirectUri!, RequestedScopes(request, grantable), RequestedActor(request, app!), PromptOf(request)), null);
    }

    /// <summary>RFC 6749 §2.2 and §4.1.1: client_id is required and names a registered, active client.</summary>
    private async Task<(App? App, string? Problem)> IdentifyClientAsync(AuthorizationRequest request, CancellationToken ct)
    {
        if (request.UnreadableTarget is { } unreadable)
        {
            return (null, unreadable.Description);
        }
        if (request.ClientId is not { } clientId)
        {
            return (null, "The request has no client_id, so it cannot tell which app is asking. The link that brought you here is incomplete.");
        }
        var app = await db.Apps.AsNoTracking().SingleOrDefaultAsync(a => a.ClientId == clientId, ct);
        return app is { Status: AppStatus.Active }
            ? (app, null)
            : (null, "The app asking for access is unknown, or has been suspended. The link that brought you here may be wrong or out of date.");
    }

    /// <summary>
    /// RFC 6749 §3.1.2.3 and §4.1.1, RFC 9700 §4.1.3: the redirect_uri must be one the app registered,
    /// compared as strings (<see cref="RedirectUriMatch"/>); it may be left out only when exactly one is registered.
    /// </summary>
    private static (string? RedirectUri, string? Problem) ResolveRedirectUri(AuthorizationRequest request, App app)
    {
        if (request.RedirectUri is not { } requested)
        {
            return app.RedirectUris.Count == 1
                ? (app.RedirectUris[0], null)
                : (null, $"The request from {app.Name} has no redirect_uri, and the app registered more than one, so there is no telling where to send you back.");
        }
        return RedirectUriMatch.FindRegistered(app.RedirectUris, requested) is not null
            ? (requested, null)
            : (null, $"The request from {app.Name} asks to send you to a redirect URI the app did not register. For your safety you were not sent there.");
    }

    /// <summary>RFC 6749 §3.1: a repeated or oversized parameter makes the request ambiguous.</summary>
    private static OAuthError? RejectUnreadableParameters(AuthorizationRequest request) => request.UnreadableParameter;

    /// <summary>RFC 6749 §4.1.1 and §4.1.2.1: the authorization code flow is the only one (RFC 9700 §2.1.2 drops the implicit flow).</summary>
    private static OAuthError? CheckResponseType(AuthorizationRequest request) => request.ResponseType switch
    {
        null => OAuthError.InvalidRequest("The response_type parameter is missing; use response_type=code."),
        ResponseTypeCode => null,
        _ => OAuthError.UnsupportedResponseType("Only response_type=code is supported."),
    };

    /// <summary>
    /// RFC 6749 §3.3: the requested scopes must be among the app's allowed scopes that its profile's catalogue
    /// has (<see cref="ScopeCatalogues.Grantable"/>), or implied by one (<see cref="ScopeImplications"/>).
    /// </summary>
    private static OAuthError? CheckScopes(AuthorizationRequest request, IReadOnlyList<string> grantable) =>
        request.Scopes?.FirstOrDefault(s => !ScopeImplications.Allows(grantable, s)) is { } unknown
            ? OAuthError.InvalidScope($"The scope '{unknown}' is not allowed for this app.")
            : null;

    /// <summary>
    /// RFC 7636 §4.3 and §4.4.1, RFC 9700 §2.1.1: S256 only. A challenge without a method means
    /// <c>plain</c> (§4.3), so it is refused like <c>plain</c> itself; public clients must send one (DESIGN.md rule 2).
    /// </summary>
    private static OAuthError? CheckPkce(AuthorizationRequest request, App app) => (request.CodeChallenge, request.CodeChallengeMethod) switch
    {
        (null, null) when app.IsPublic => OAuthError.InvalidRequest("This app is a public client: a code_challenge with code_challenge_method=S256 is required (PKCE, RFC 7636)."),
        (null, null) => null,
        (null, _) => OAuthError.InvalidRequest("code_challenge_method was sent without a code_challenge."),
        (_, null) => OAuthError.InvalidRequest("code_challenge_method is missing, which means plain; only S256 is supported."),
        (_, not Pkce.S256) => OAuthError.InvalidRequest("Only code_challenge_method=S256 is supported."),
        ({ } challenge, _) when !Pkce.IsValidChallenge(challenge) => OAuthError.InvalidRequest("code_challenge must be 43 base64url characters: the SHA-256 of the verifier (RFC 7636 §4.2)."),
        _ => null,
    };

    /// <summary>FeatureOS seed 004, "Actor mode": the app must allow the actor it asks for.</summary>
    private static OAuthError? CheckActor(AuthorizationRequest request, App app) => request.Actor switch
    {
        null => null,
        _ when !ActorMode.All.Contains(request.Actor) => OAuthError.InvalidRequest("actor must be self or app."),
        _ when !app.AllowedActorModes.Contains(request.Actor) => OAuthError.InvalidRequest($"This app does not allow the actor '{request.Actor}'."),
        _ => null,
    };

    /// <summary>OpenID Connect Core §3.1.2.1: login, consent or none; none stands alone.</summary>
    private static OAuthError? CheckPrompt(AuthorizationRequest request) =>
        request.Prompt.FirstOrDefault(p => p is not ("login" or "consent" or "none")) is { } unknown
            ? OAuthError.InvalidRequest($"The prompt value '{unknown}' is not supported; use login, consent or none.")
            : request.Prompt.Contains("none") && request.Prompt.Count > 1
                ? OAuthError.InvalidRequest("prompt=none cannot be combined with other values.")
                : null;

    private static IReadOnlyList<string> RequestedScopes(AuthorizationRequest request, IReadOnlyList<string> grantable) =>
        request.Scopes is { Count: > 0 } scopes ? scopes : grantable;

    /// <summary>Without an actor, <c>self</c>, unless the app acts only as itself.</summary>
    private static string RequestedActor(AuthorizationRequest request, App app) =>
        request.Actor ?? (app.AllowedActorModes.Contains(ActorMode.Self) ? ActorMode.Self : ActorMode.App);

    private static AuthorizationPrompt PromptOf(AuthorizationRequest request) =>
        new(request.Prompt.Contains("none"), request.Prompt.Contains("login"), request.Prompt.Contains("consent"));
}
