using Latchkey.Profiles;
using Latchkey.Protocol.Grants;

namespace Latchkey.Protocol.Token;

/// <summary>
/// The token endpoint's canonical steps, whatever the wire profile (DESIGN.md "How a request flows"):
/// a profile parses its request into <see cref="OAuthParameters"/> and renders the result.
/// </summary>
public sealed class TokenFlow(ClientAuthenticator clients, IEnumerable<IGrant> grants)
{
    public Task<GrantResult> RunAsync(string? authorizationHeader, OAuthParameters parameters, CancellationToken ct) =>
        RunAsync(authorizationHeader, parameters, onlyProfile: null, ct);

    /// <param name="onlyProfile">Set by a profile's own token endpoint: only that profile's apps may use it. Null: every app.</param>
    public async Task<GrantResult> RunAsync(string? authorizationHeader, OAuthParameters parameters, ProfileName? onlyProfile, CancellationToken ct)
    {
        // RFC 6749 §2.3: who is asking, before anything about what they ask.
        var (client, clientError) = await clients.AuthenticateAsync(authorizationHeader, parameters, ct);
        if (clientError is not null)
        {
            return clientError;
        }
        // RFC 6749 §5.2 unauthorized_client: a profile's own wire form (FUB's legacy GET, Fillout's accessToken) is
        // for the apps written against it; every app keeps the standard endpoint. After client authentication, so an
        // unauthenticated caller learns nothing about an app's profile; before the grant, so nothing is consumed.
        if (onlyProfile is { } profile && client!.App.Profile != profile)
        {
            return OAuthError.UnauthorizedClient($"This token endpoint serves {profile.ToWire()} apps only; use POST /oauth/token.");
        }
        // RFC 6749 §4.1.3 / §4.4.2 / §6: grant_type picks the grant; §5.2 names the errors.
        if (parameters["grant_type"] is not { } grantType)
        {
            return OAuthError.InvalidRequest("The grant_type parameter is missing.");
        }
        var grant = grants.FirstOrDefault(g => g.GrantType == grantType);
        if (grant is null)
        {
            return OAuthError.UnsupportedGrantType($"The grant type '{grantType}' is not supported; use authorization_code, refresh_token or client_credentials.");
        }
        return await grant.ExecuteAsync(new TokenRequest(client!, parameters), ct);
    }
}
