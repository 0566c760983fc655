using Latchkey.Apps;
using Latchkey.Organizations;
using static Microsoft.Playwright.Assertions;

namespace Latchkey.BrowserTests;

/// <summary>One Latchkey and one relying party registered with it, for the whole class.</summary>
public sealed class RelyingPartyFixture : IAsyncLifetime
{
    public LiveServer Latchkey { get; private set; } = null!;
    public RelyingParty Party { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Latchkey = await LiveServer.StartAsync();
        var developer = await Latchkey.OrganizationAsync("Dashboards Inc");
        Party = await RelyingParty.StartAsync(Latchkey, "posts:read", redirectUri => Latchkey.AppAsync(developer.Id, new AppDraft
        {
            Name = "Team Dashboard",
            RedirectUris = [redirectUri],
            Scopes = ["posts:read"],
        }));
    }

    public async ValueTask DisposeAsync()
    {
        await Party.DisposeAsync();
        await Latchkey.DisposeAsync();
    }
}

/// <summary>
/// Interop with a real client (DESIGN.md "Chosen dependencies"): ASP.NET Core's OAuth authentication handler, in
/// a web app of its own, signs a person in through Latchkey in Chromium. It builds the authorization request
/// (with its own encrypted state and PKCE), redeems the code with client_secret_post, reads the token response,
/// and calls the session endpoint with the token; any departure from RFC 6749/7636 would stop it.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class RelyingPartyInteropTests(BrowserFixture browser, RelyingPartyFixture fixture) : IClassFixture<RelyingPartyFixture>
{
    [Fact]
    public async Task AspNetCoreOAuthHandler_SignsInThroughLatchkey_AndShowsTheSessionUser()
    {
        var organization = await fixture.Latchkey.OrganizationAsync("Acme");
        var person = await fixture.Latchkey.PersonAsync(organization.Id, OrganizationRole.Member);
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var authorizeRequests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(new Uri(fixture.Latchkey.BaseAddress, "/oauth/authorize").ToString(), StringComparison.Ordinal))
            {
                authorizeRequests.Enqueue(request.Url);
            }
        };

        await page.GotoAsync(fixture.Party.Origin + "/");
        await page.SignInAsync(person);
        await Expect(page.Locator("#app-name")).ToHaveTextAsync("Team Dashboard");
        await page.ApproveAsync();

        await page.WaitForURLAsync(fixture.Party.Origin + "/");
        await Expect(page.Locator("#email")).ToHaveTextAsync(person.Email);
        await Expect(page.Locator("#user-id")).ToHaveTextAsync(person.Id.ToString());
        await Expect(page.Locator("#organization")).ToHaveTextAsync(organization.Name);
        await Expect(page.Locator("#token-kind")).ToHaveTextAsync("lkat");

        // What the handler sent, unprompted by anything Latchkey-specific: the code flow with S256 PKCE.
        var sent = BrowserSteps.Parameters(authorizeRequests.First());
        Assert.Equal("code", sent["response_type"]);
        Assert.Equal("S256", sent["code_challenge_method"]);
        Assert.Equal("posts:read", sent["scope"]);
    }

    [Fact]
    public async Task AspNetCoreOAuthHandler_UserDenies_TheRelyingPartyShowsItsAccessDeniedPage()
    {
        var organization = await fixture.Latchkey.OrganizationAsync("Globex");
        var person = await fixture.Latchkey.PersonAsync(organization.Id, OrganizationRole.Owner);
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(fixture.Party.Origin + "/");
        await page.SignInAsync(person);
        await page.DenyAsync();

        // The handler finds its correlation through the state Latchkey sent back unchanged with error=access_denied,
        // and only then treats the denial as one (without that state it would fail the request instead).
        await Expect(page.Locator("#denied")).ToBeVisibleAsync();
        Assert.StartsWith(fixture.Party.Origin + RelyingParty.DeniedPath, page.Url, StringComparison.Ordinal);
    }
}
