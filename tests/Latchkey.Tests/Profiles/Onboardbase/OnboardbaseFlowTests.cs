using System.Text.Json;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Latchkey.Tests.Protocol;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;
using static Latchkey.Tests.Profiles.Onboardbase.OnboardbaseKit;

namespace Latchkey.Tests.Profiles.Onboardbase;

/// <summary>
/// Seed 003, "OAuth with Onboardbase", walked from its text alone: the app made in the portal, the authorization
/// link as the seed writes it, sign-in, authorize or deny, the token request with query parameters and no body,
/// and the API key used in FACTS.md's <c>API_KEY</c> header.
/// </summary>
public sealed class OnboardbaseFlowTests(OnboardbaseServer shared) : IClassFixture<OnboardbaseServer>
{
    private LatchkeyTestServer Server => shared.Server;

    [Fact]
    public async Task Seed003_PortalApp_Link_SignIn_Authorize_TokenPost_ApiKeyCall()
    {
        // "Setup an Onboardbase OAuth Application"
        var app = await Server.CreateAppInPortalAsync();
        var stored = (await Server.FindAsync(app.ClientId))!;
        Assert.Equal(("Google Sync", "https://google.com", "https://google.com/logo.png"), (stored.Name, stored.WebsiteUrl, stored.LogoUrl));
        Assert.Equal([RedirectUrl], stored.RedirectUris);
        Assert.Equal(Latchkey.Profiles.ProfileName.Onboardbase, stored.Profile);

        // "User Authorization": the user must first log in, then authorize or deny.
        var org = await Server.OrganizationAsync();
        var email = $"{Guid.NewGuid():N}@example.com";
        await Server.UserAsync(email, PortalBrowser.Password, org.Id, OrganizationRole.Member);
        var browser = new PortalBrowser(Server.CreateCookieClient());
        var link = AuthorizationLink(app.ClientId);
        using var toLogin = await browser.GetAsync(link);
        using var signedIn = await browser.SignInAsync(email, PortalBrowser.Password, toLogin.AssertSignInRedirect());
        using var consent = await browser.FollowAsync(signedIn);
        var (html, form) = await consent.AssertConsentPageAsync();
        Assert.Contains("<code>read.secrets</code> Read secrets", html, StringComparison.Ordinal);
        Assert.Contains("<code>read.projects</code> Read projects", html, StringComparison.Ordinal);
        using var approved = await browser.PostAsync(AuthorizeKit.AuthorizePath, form.Answer("approve", org.Id));

        // "Handling Authorization": the redirect URI with a code and the state exactly as sent.
        Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        Assert.StartsWith(RedirectUrl + "?", approved.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var answer = approved.ResponseParameters();
        Assert.Equal(SeedState, answer["state"]);
        var code = answer["code"];

        // "Requesting for an Access API Key With an Auth Code": a POST to the constructed URL, no body.
        using var http = Server.CreateClient();
        var (status, body, response) = await http.PostTokenAsync(TokenUrl(app, code));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal(["data", "errors"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, body.GetProperty("errors").GetArrayLength());
        var data = body.GetProperty("data");
        Assert.Equal(["api_key", "expires_in", "scopes", "token_type", "passphrase"], data.EnumerateObject().Select(p => p.Name));
        Assert.Equal(shared.Clock.GetUtcNow().AddDays(90).ToUnixTimeSeconds(), data.GetProperty("expires_in").GetInt64());
        Assert.Equal(["read.secrets", "read.projects"], data.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("bearer", data.GetProperty("token_type").GetString());
        var apiKey = data.GetProperty("api_key").GetString()!;
        var passphrase = data.GetProperty("passphrase").GetString()!;
        Assert.True(TokenCodec.IsWellFormed(apiKey, "lkat_"));
        Assert.True(TokenCodec.IsWellFormed(passphrase, TokenPassphrases.Prefix));

        // FACTS.md: the key goes to the API as API_KEY.
        using var session = await http.SessionWithApiKeyAsync(apiKey);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var who = await session.JsonAsync();
        Assert.Equal(app.ClientId, who.GetProperty("app").GetProperty("client_id").GetString());
        Assert.Equal(email, who.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal(["read.secrets", "read.projects"], who.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        // No refresh token: the key is all there is.
        Assert.Equal(1, await Server.TokenCountAsync(app.Id));
    }

    [Fact]
    public async Task Deny_RedirectsAccessDenied_WithTheStateExactlyAsSent_AndGrantsNothing()
    {
        var app = await Server.CreateAppInPortalAsync();
        var user = await Server.PersonAsync(OrganizationRole.Member);
        using var consent = await user.Browser.GetAsync(AuthorizationLink(app.ClientId));
        var (_, form) = await consent.AssertConsentPageAsync();

        using var denied = await user.Browser.PostAsync(AuthorizeKit.AuthorizePath, form.Answer("deny", null));

        Assert.Equal(HttpStatusCode.SeeOther, denied.StatusCode);
        Assert.StartsWith(RedirectUrl + "?", denied.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var answer = denied.ResponseParameters();
        Assert.Equal("access_denied", answer["error"]);
        Assert.Equal(SeedState, answer["state"]);
        Assert.DoesNotContain("code", answer.Keys);
        Assert.Equal(0, await Server.InstallationCountAsync(app.Id));
        Assert.Equal(0, await Server.CodeCountAsync(app.Id));
    }

    [Theory]
    [InlineData("https://google.com/elsewhere")]
    [InlineData("https://evil.example")]
    [InlineData("http://google.com")]
    public async Task Link_WithAnUnregisteredRedirectUri_ShowsInvalidCredentials_AndRedirectsNowhere(string redirectUri)
    {
        var app = await Server.CreateAppInPortalAsync();
        var user = await Server.PersonAsync(OrganizationRole.Member);

        using var response = await user.Browser.GetAsync(AuthorizationLink(app.ClientId, redirectUri));

        var html = await response.AssertErrorPageAsync();
        Assert.Equal("invalid_credentials", PortalBrowser.TextOf(html, "error-code"));
        Assert.Equal(0, await Server.CodeCountAsync(app.Id));
    }

    [Fact]
    public async Task StandardLink_WithAnUnregisteredRedirectUri_ShowsNoOnboardbaseCode()
    {
        var app = await Server.CreateAppInPortalAsync();
        var user = await Server.PersonAsync(OrganizationRole.Member);

        using var response = await user.Browser.GetAsync(
            $"/oauth/authorize?response_type=code&client_id={app.ClientId}&redirect_uri=https://evil.example&scope=read.secrets");

        Assert.Null(PortalBrowser.TextOf(await response.AssertErrorPageAsync(), "error-code"));
    }

    [Theory]
    [InlineData("'read.secrets,read.projects'")]
    [InlineData("\"read.secrets,read.projects\"")]
    [InlineData("read.secrets,read.projects")]
    [InlineData("read.secrets,%20read.projects,read.secrets")]
    public async Task Scopes_CommaSeparated_QuotedOrNot_AreBothAskedFor(string scopes)
    {
        var app = await Server.CreateAppInPortalAsync();
        var user = await Server.PersonAsync(OrganizationRole.Member);

        var code = await user.ApproveAsync(AuthorizationLink(app.ClientId, scopes: scopes));

        using var http = Server.CreateClient();
        var (status, body, _) = await http.PostTokenAsync(TokenUrl(app, code));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["read.secrets", "read.projects"], body.GetProperty("data").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Theory]
    [InlineData("scopes=read.secrets,read.everything", "invalid_scope")]
    [InlineData("scopes=''", "invalid_scope")]
    [InlineData("scopes=read.secrets&scope=read.secrets", "invalid_request")]
    [InlineData("scopes=read.secrets&scopes=read.projects", "invalid_request")]
    public async Task BadScopes_RedirectTheError_WithState(string scopes, string error)
    {
        var app = await Server.CreateAppInPortalAsync();
        var user = await Server.PersonAsync(OrganizationRole.Member);

        using var response = await user.Browser.GetAsync(
            $"/oauth/authorize?response_type=code&client_id={app.ClientId}&redirect_uri={RedirectUrl}&{scopes}&state={SeedState}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(RedirectUrl + "?", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(error, response.ResponseParameters()["error"]);
        Assert.Equal(SeedState, response.ResponseParameters()["state"]);
        Assert.Equal(0, await Server.InstallationCountAsync(app.Id));
    }

    [Fact]
    public async Task AppOverApi_WithTheSeedsFourFields_MayAskForEveryScopeOfTheCatalogue()
    {
        var app = await Server.CreateAppOverApiAsync();
        var user = await Server.PersonAsync();

        var code = await user.ApproveAsync(AuthorizationLink(app.ClientId, scopes: "'manage.teams,delete.projects,create.secrets'"));

        using var http = Server.CreateClient();
        var (status, body, _) = await http.PostTokenAsync(TokenUrl(app, code));
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(["manage.teams", "delete.projects", "create.secrets"], body.GetProperty("data").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var allowed = (await Server.FindAsync(app.ClientId))!.AllowedScopes;
        Assert.Equal(15, allowed.Count);
    }

    [Fact]
    public async Task ApiKeyAndPassphrase_AreStoredAsHashesOnly()
    {
        var app = await Server.CreateAppInPortalAsync();
        var user = await Server.PersonAsync(OrganizationRole.Member);
        var code = await user.ApproveAsync(AuthorizationLink(app.ClientId));
        using var http = Server.CreateClient();
        var (_, body, _) = await http.PostTokenAsync(TokenUrl(app, code));
        var data = body.GetProperty("data");
        var apiKey = data.GetProperty("api_key").GetString()!;
        var passphrase = data.GetProperty("passphrase").GetString()!;

        var row = await Server.WithDbAsync(db => db.Tokens.AsNoTracking().SingleAsync(t => t.AppId == app.Id));

        Assert.Equal(TokenCodec.Hash(apiKey), row.Hash);
        Assert.Equal(TokenCodec.Hash(passphrase), row.PassphraseHash);
        var everything = JsonSerializer.Serialize(row);
        Assert.DoesNotContain(apiKey[5..], everything, StringComparison.Ordinal);
        Assert.DoesNotContain(passphrase[TokenPassphrases.Prefix.Length..], everything, StringComparison.Ordinal);
    }
}
