using System.Net;
using Latchkey.Organizations;
using static Microsoft.Playwright.Assertions;

namespace Latchkey.BrowserTests;

/// <summary>One Latchkey and one client callback for the whole class; each test arranges its own people and app.</summary>
public sealed class OAuthFlowFixture : IAsyncLifetime
{
    public LiveServer Latchkey { get; private set; } = null!;
    public CallbackListener Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Latchkey = await LiveServer.StartAsync();
        Client = await CallbackListener.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Latchkey.DisposeAsync();
    }
}

/// <summary>
/// The authorization code flow (RFC 6749 §4.1, PKCE RFC 7636, <c>iss</c> RFC 9207) as a person lives it in
/// Chromium against Latchkey on a real port, and as the app's server completes it over HTTP: sign in, consent,
/// the redirect to the client's own listener, the code exchange, Bearer calls, refresh, revocation, remembered
/// consent, <c>prompt</c>, denial, and an uninstall that ends the app's access at once.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class OAuthFlowBrowserTests(BrowserFixture browser, OAuthFlowFixture fixture) : IClassFixture<OAuthFlowFixture>
{
    private const string AllScopes = "posts:read posts:write comments:read";

    private LiveServer Latchkey => fixture.Latchkey;
    private string RedirectUri => fixture.Client.RedirectUri;
    private string Issuer => Latchkey.BaseAddress.GetLeftPart(UriPartial.Authority);

    [Fact]
    public async Task FirstAuthorization_SignInConsentApprove_CodeRedeemedRefreshedRevoked()
    {
        var developer = await Latchkey.OrganizationAsync("Sync Labs");
        var app = await Latchkey.AppAsync(developer.Id, Seeding.RoadmapSync(RedirectUri));
        var acme = await Latchkey.OrganizationAsync("Acme");
        var globex = await Latchkey.OrganizationAsync("Globex");
        var person = await Latchkey.PersonAsync(acme.Id, OrganizationRole.Owner);
        await Latchkey.JoinAsync(person, globex.Id, OrganizationRole.Member);
        using var client = new AppClient(Latchkey, app);
        var pkce = PkcePair.New();
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(client.AuthorizeUrl(RedirectUri, "state-1", pkce, ("scope", AllScopes)));
        await page.SignInAsync(person);

        // The consent screen: who asks, how it would act, what each scope allows, and where to install it.
        await Expect(page.Locator("#app-name")).ToHaveTextAsync("Roadmap Sync");
        await Expect(page.Locator("#owner")).ToHaveTextAsync(developer.Name);
        await Expect(page.Locator("#actor")).ToContainTextAsync("act as you");
        await Expect(page.Locator("#scopes li")).ToHaveTextAsync(
            ["posts:read Read feature requests / feedback posts", "posts:write Create, update, delete, assign posts", "comments:read Read comments"]);
        await Expect(page.GetByRole(AriaRole.Radio)).ToHaveCountAsync(2);
        await Expect(page.GetByLabel(acme.Name)).Not.ToBeCheckedAsync();
        await Expect(page.Locator("label", new() { HasText = globex.Name }))
            .ToContainTextAsync("As a member here you can grant read scopes only: posts:read, comments:read.");
        await Expect(page.Locator("label", new() { HasText = acme.Name }).Locator(".hint")).ToHaveCountAsync(0);

        await page.ApproveAsync(acme.Name);

        // RFC 6749 §4.1.2, RFC 9207: the code, state unchanged and the issuer, delivered to the client's own server.
        var response = await page.ResponseAtAsync(RedirectUri);
        Assert.Equal(["code", "iss", "state"], response.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("state-1", response["state"]);
        Assert.Equal(Issuer, response["iss"]);
        Assert.StartsWith("lkc_", response["code"], StringComparison.Ordinal);
        await Expect(page.Locator("#received")).ToBeVisibleAsync();
        Assert.Contains(fixture.Client.Received, query => query.Contains("code=" + response["code"], StringComparison.Ordinal));

        var tokens = await client.ExchangeAsync(response["code"], RedirectUri, pkce);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        Assert.Equal("Bearer", tokens.Body.GetProperty("token_type").GetString());
        Assert.Equal(AllScopes.Split(' ').Order(StringComparer.Ordinal),
            tokens.Body.GetProperty("scope").GetString()!.Split(' ').Order(StringComparer.Ordinal));

        var session = await client.SessionAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, session.Status);
        Assert.Equal(person.Id, session.Body.GetProperty("user").GetProperty("id").GetGuid());
        Assert.Equal(person.Email, session.Body.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal("self", session.Body.GetProperty("actor").GetString());
        Assert.Equal(acme.Id, session.Body.GetProperty("organization").GetProperty("id").GetGuid());
        Assert.Equal(app.ClientId, session.Body.GetProperty("app").GetProperty("client_id").GetString());

        // RFC 6749 §6: the refresh token rotates, and the set it replaces stops working.
        var refreshed = await client.RefreshAsync(tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.NotEqual(tokens.RefreshToken, refreshed.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await client.SessionAsync(refreshed.AccessToken)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SessionAsync(tokens.AccessToken)).Status);

        // RFC 7009: revoking the refresh token takes the access token issued with it.
        Assert.Equal(HttpStatusCode.OK, await client.RevokeAsync(refreshed.RefreshToken));
        var revoked = await client.SessionAsync(refreshed.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.Status);
        Assert.Contains("error=\"invalid_token\"", revoked.Challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondAuthorization_IsRemembered_PromptConsentAsksAgain_PromptLoginSignsInAgain()
    {
        var (person, _, app) = await ArrangeAsync(OrganizationRole.Owner);
        using var client = new AppClient(Latchkey, app);
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(client.AuthorizeUrl(RedirectUri, "first", PkcePair.New()));
        await page.SignInAsync(person);
        await page.ApproveAsync();
        await page.ResponseAtAsync(RedirectUri);
        var shown = page.RecordPagesShown();

        // Remembered: straight from the request to the client, no page shown on the way, and the code works.
        var pkce = PkcePair.New();
        await page.GotoAsync(client.AuthorizeUrl(RedirectUri, "second", pkce));
        var remembered = await page.ResponseAtAsync(RedirectUri);
        Assert.Equal("second", remembered["state"]);
        Assert.Equal(["/callback"], shown);
        Assert.Equal(HttpStatusCode.OK, (await client.ExchangeAsync(remembered["code"], RedirectUri, pkce)).Status);

        // OpenID Connect Core §3.1.2.1: prompt=consent shows the consent screen although consent is remembered.
        shown.Clear();
        await page.GotoAsync(client.AuthorizeUrl(RedirectUri, "third", PkcePair.New(), ("prompt", "consent")));
        await Expect(page.Locator("#app-name")).ToHaveTextAsync("Roadmap Sync");
        await page.ApproveAsync();
        Assert.Equal("third", (await page.ResponseAtAsync(RedirectUri))["state"]);
        Assert.Equal(["/oauth/authorize", "/callback"], shown);

        // prompt=login: the signed-in person signs in again, then goes on to the client (consent is still remembered).
        shown.Clear();
        await page.GotoAsync(client.AuthorizeUrl(RedirectUri, "fourth", PkcePair.New(), ("prompt", "login")));
        await page.SignInAsync(person);
        var afterLogin = await page.ResponseAtAsync(RedirectUri);
        Assert.Equal("fourth", afterLogin["state"]);
        Assert.StartsWith("lkc_", afterLogin["code"], StringComparison.Ordinal);
        Assert.Equal(["/account/login", "/callback"], shown);
    }

    [Fact]
    public async Task Deny_LandsAtClientWithAccessDeniedAndState_AndInstallsNothing()
    {
        var (person, _, app) = await ArrangeAsync(OrganizationRole.Owner);
        using var client = new AppClient(Latchkey, app);
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(client.AuthorizeUrl(RedirectUri, "deny-me", PkcePair.New()));
        await page.SignInAsync(person);
        await page.DenyAsync();

        // RFC 6749 §4.1.2.1.
        var response = await page.ResponseAtAsync(RedirectUri);
        Assert.Equal("access_denied", response["error"]);
        Assert.Equal("deny-me", response["state"]);
        Assert.Equal(Issuer, response["iss"]);
        Assert.False(string.IsNullOrWhiteSpace(response["error_description"]));
        Assert.DoesNotContain("code", response.Keys);

        await page.GotoAsync(new Uri(Latchkey.BaseAddress, "/account/authorizations").ToString());
        await Expect(page.GetByText("No app can act on your behalf.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task UserRevokesOnAuthorizationsPage_IssuedTokensFailAtOnce_AndConsentIsAskedAgain()
    {
        var (person, organization, app) = await ArrangeAsync(OrganizationRole.Member);
        using var client = new AppClient(Latchkey, app);
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var tokens = await AuthorizeAsync(page, client, person, ("scope", "posts:read"));
        Assert.Equal(HttpStatusCode.OK, (await client.SessionAsync(tokens.AccessToken)).Status);

        await page.GotoAsync(new Uri(Latchkey.BaseAddress, "/account/authorizations").ToString());
        var row = page.Locator("tr", new() { HasText = "Roadmap Sync" });
        await Expect(row).ToContainTextAsync(organization.Name);
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToHaveTextAsync($"Roadmap Sync can no longer act on your behalf in {organization.Name}.");

        var session = await client.SessionAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, session.Status);
        Assert.Contains("error=\"invalid_token\"", session.Challenge, StringComparison.Ordinal);
        Assert.Equal("invalid_grant", (await client.RefreshAsync(tokens.RefreshToken)).Error);

        await page.GotoAsync(client.AuthorizeUrl(RedirectUri, "again", PkcePair.New(), ("scope", "posts:read")));
        await Expect(page.Locator("#app-name")).ToHaveTextAsync("Roadmap Sync");
    }

    [Fact]
    public async Task AdminUninstallsBotOnInstallationsPage_IssuedTokenFailsAtOnce()
    {
        var (admin, organization, app) = await ArrangeAsync(OrganizationRole.Admin);
        using var client = new AppClient(Latchkey, app);
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var pkce = PkcePair.New();

        // FeatureOS seed 004, "Actor mode": actor=app installs the app as the organization's own bot.
        await page.GotoAsync(client.AuthorizeUrl(RedirectUri, "bot", pkce, ("actor", "app")));
        await page.SignInAsync(admin);
        await Expect(page.Locator("#actor")).ToContainTextAsync("act as itself, a bot");
        await page.ApproveAsync();
        var tokens = await client.ExchangeAsync((await page.ResponseAtAsync(RedirectUri))["code"], RedirectUri, pkce);
        var session = await client.SessionAsync(tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, session.Status);
        Assert.Equal("app", session.Body.GetProperty("actor").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, session.Body.GetProperty("user").ValueKind);

        await page.GotoAsync(new Uri(Latchkey.BaseAddress, "/portal/installations").ToString());
        var row = page.Locator("section", new() { HasText = organization.Name }).Locator("tr", new() { HasText = "Roadmap Sync" });
        await Expect(row).ToContainTextAsync("As the app itself");
        await row.GetByRole(AriaRole.Link, new() { Name = "Uninstall…" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Uninstall Roadmap Sync" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToHaveTextAsync($"Uninstalled Roadmap Sync from {organization.Name}: its tokens no longer work.");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SessionAsync(tokens.AccessToken)).Status);
    }

    /// <summary>A person with <paramref name="role"/> in an organization of their own, and an app another organization made.</summary>
    private async Task<(Person Person, Organization Organization, RegisteredApp App)> ArrangeAsync(OrganizationRole role)
    {
        var developer = await Latchkey.OrganizationAsync("Sync Labs");
        var app = await Latchkey.AppAsync(developer.Id, Seeding.RoadmapSync(RedirectUri));
        var organization = await Latchkey.OrganizationAsync("Acme");
        return (await Latchkey.PersonAsync(organization.Id, role), organization, app);
    }

    /// <summary>Signs in, approves, and redeems the code: the tokens an app holds after a first authorization.</summary>
    private async Task<TokenAnswer> AuthorizeAsync(IPage page, AppClient client, Person person, params (string Key, string Value)[] extra)
    {
        var pkce = PkcePair.New();
        await page.GotoAsync(client.AuthorizeUrl(RedirectUri, "s", pkce, extra));
        await page.SignInAsync(person);
        await page.ApproveAsync();
        var tokens = await client.ExchangeAsync((await page.ResponseAtAsync(RedirectUri))["code"], RedirectUri, pkce);
        Assert.Equal(HttpStatusCode.OK, tokens.Status);
        return tokens;
    }
}
