using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Profiles;
using Latchkey.Protocol.Token;
using Latchkey.Scopes;
using Latchkey.Tokens;

namespace Latchkey.Protocol.Grants;

/// <summary>
/// RFC 6749 §4.4: the app acts as its own bot (actor <c>app</c>) in its owner organization. Only
/// confidential clients that allow the app actor may use it; no refresh token (§4.4.3).
/// </summary>
public sealed class ClientCredentialsGrant(InstallationStore installations, TokenStore tokens, ProfilePolicies profiles, ScopeCatalogues catalogues) : IGrant
{
    public string GrantType => "client_credentials";

    public async Task<GrantResult> ExecuteAsync(TokenRequest request, CancellationToken ct)
    {
        var app = request.Client.App;
        if (request.Client.Method == ClientAuthenticationMethod.None)
        {
            return OAuthError.UnauthorizedClient("A public client cannot use client_credentials: it has no secret to prove who it is.");
        }
        if (!app.AllowedActorModes.Contains(ActorMode.App))
        {
            return OAuthError.UnauthorizedClient("client_credentials acts as the app itself; enable the 'app' actor mode for this app first.");
        }
        var grantable = catalogues.Grantable(app);
        var requested = request.Parameters["scope"] is { } scope ? ScopeList.Parse(scope) : grantable;
        if (requested.FirstOrDefault(s => !ScopeImplications.Allows(grantable, s)) is { } unknown)
        {
            return OAuthError.InvalidScope($"The scope '{unknown}' is not allowed for this app.");
        }
        // After the first request the bot's installation usually grants these scopes already: then it is only read.
        var installationId = await installations.FindUnchangedBotAsync(app, requested, ct)
            ?? (await installations.InstallAsync(app, app.OrganizationId, ActorMode.App, null, requested, null, null, ct)).Id;
        var policy = profiles.For(app.Profile);
        return await tokens.IssueTokenSetAsync(installationId, app.Id, requested, Guid.CreateVersion7(),
                policy.Prefixes, policy.Lifetimes, withRefreshToken: false, ct) is { } set
            ? set
            : OAuthError.InvalidGrant("The app was uninstalled while this token was issued; request a new one.");
    }
}
