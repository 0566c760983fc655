using Latchkey.Scopes;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Latchkey.Tests.Protocol;
using static Latchkey.Tests.Profiles.Onboardbase.OnboardbaseKit;

namespace Latchkey.Tests.Profiles.Onboardbase;

/// <summary>
/// Seed 003, "Scopes": <c>manage.X</c> gives every permission on X, wherever scopes are checked — the app's
/// allowed scopes at the authorization endpoint, remembered consent, client credentials and refresh narrowing,
/// introspection's <c>scope</c>, the session's <c>scopes</c>, and <see cref="ScopeImplications.Allows"/> for resource servers.
/// </summary>
public sealed class OnboardbaseScopeTests(OnboardbaseServer shared) : IClassFixture<OnboardbaseServer>
{
    private static readonly string[] ManageSecrets = ["manage.secrets", "read.secrets", "create.secrets", "update.secrets", "delete.secrets"];

    private LatchkeyTestServer Server => shared.Server;

    [Theory]
    [InlineData("manage.secrets", "read.secrets", true)]
    [InlineData("manage.secrets", "create.secrets", true)]
    [InlineData("manage.secrets", "update.secrets", true)]
    [InlineData("manage.secrets", "delete.secrets", true)]
    [InlineData("manage.secrets", "manage.secrets", true)]
    [InlineData("manage.secrets", "read.projects", false)]
    [InlineData("manage.secrets", "manage.projects", false)]
    [InlineData("read.secrets", "manage.secrets", false)]
    [InlineData("read.secrets", "delete.secrets", false)]
    [InlineData("manage.", "read.", false)]
    [InlineData("webhooks:manage", "webhooks:read", false)]
    public void Allows_ManageImpliesTheFourActionsOnItsResourceOnly(string granted, string required, bool allowed) =>
        Assert.Equal(allowed, ScopeImplications.Allows([granted], required));

    [Fact]
    public void Expand_KeepsTheGrantedScopesFirst_ThenWhatTheyImply_EachOnce() =>
        Assert.Equal(["read.secrets", "manage.secrets", "create.secrets", "update.secrets", "delete.secrets"],
            ScopeImplications.Expand(["read.secrets", "manage.secrets"]));

    [Fact]
    public async Task AppAllowedManageSecrets_MayAskForAnySecretsScope_ButNotAnotherResource()
    {
        var app = await Server.CreateAppOverApiAsync(["manage.secrets"]);
        var owner = await Server.PersonAsync();

        var code = await owner.ApproveAsync(AuthorizationLink(app.ClientId, scopes: "'read.secrets,delete.secrets'"));
        using var http = Server.CreateClient();
        var (status, body, _) = await http.PostTokenAsync(TokenUrl(app, code));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["read.secrets", "delete.secrets"], body.GetProperty("data").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        using var refused = await owner.Browser.GetAsync(AuthorizationLink(app.ClientId, scopes: "'read.secrets,read.projects'"));
        Assert.Equal("invalid_scope", refused.ResponseParameters()["error"]);
        Assert.Equal(SeedState, refused.ResponseParameters()["state"]);
    }

    [Fact]
    public async Task ManageKey_ReportsEveryImpliedScope_ToIntrospectionAndTheSession()
    {
        var app = await Server.CreateAppOverApiAsync();
        var owner = await Server.PersonAsync();
        var code = await owner.ApproveAsync(AuthorizationLink(app.ClientId, scopes: "manage.secrets"));
        using var http = Server.CreateClient();
        var (_, issued, _) = await http.PostTokenAsync(TokenUrl(app, code));
        var apiKey = issued.GetProperty("data").GetProperty("api_key").GetString()!;
        Assert.Equal(["manage.secrets"], issued.GetProperty("data").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        var (_, introspected, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/introspect", [new("token", apiKey)], await Server.ResourceServerAsync()));
        using var session = await http.SessionWithApiKeyAsync(apiKey);

        Assert.Equal(string.Join(' ', ManageSecrets), introspected.GetProperty("scope").GetString());
        Assert.Equal(ManageSecrets, (await session.JsonAsync()).GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task RememberedConsent_ForManage_CoversALaterRequestForWhatItImplies()
    {
        var app = await Server.CreateAppOverApiAsync();
        var owner = await Server.PersonAsync();
        await owner.ApproveAsync(AuthorizationLink(app.ClientId, scopes: "manage.projects"));

        using var again = await owner.Browser.GetAsync(AuthorizationLink(app.ClientId, scopes: "'read.projects,update.projects'"));

        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith(RedirectUrl + "?", again.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("code", again.ResponseParameters().Keys);
    }

    [Fact]
    public async Task ClientCredentials_AndRefreshNarrowing_AcceptWhatManageImplies()
    {
        var org = await Server.OrganizationAsync();
        var user = await Server.UserAsync($"{Guid.NewGuid():N}@example.com", PortalBrowser.Password, org.Id);
        var created = await Server.AppAsync(org.Id, new Latchkey.Apps.AppDraft
        {
            Name = "Standard client",
            RedirectUris = [RedirectUrl],
            Scopes = ["manage.teams"],
            ActorModes = [Latchkey.Apps.ActorMode.Self, Latchkey.Apps.ActorMode.App],
            Profile = Latchkey.Profiles.ProfileName.Standard,
        });
        var basic = (created.App.ClientId, created.Secret!.Plaintext);
        using var http = Server.CreateClient();

        var (botStatus, bot, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "client_credentials"), new("scope", "read.teams")], basic));
        Assert.Equal(HttpStatusCode.OK, botStatus);
        Assert.Equal("read.teams", bot.GetProperty("scope").GetString());

        var (_, code) = await Server.CodeAsync(created.App, org.Id, user.Id, RedirectUrl, ["manage.teams"]);
        var (_, tokens, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", RedirectUrl)], basic));
        var (refreshStatus, narrowed, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "refresh_token"), new("refresh_token", tokens.GetProperty("refresh_token").GetString()!), new("scope", "delete.teams")], basic));
        Assert.Equal(HttpStatusCode.OK, refreshStatus);
        Assert.Equal("delete.teams", narrowed.GetProperty("scope").GetString());
    }
}
