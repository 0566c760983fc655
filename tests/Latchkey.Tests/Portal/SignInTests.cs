using Latchkey.Organizations;
using Latchkey.Pages.Account;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Portal;

/// <summary>The sign-in and sign-out pages: Identity passwords, lockout, local-only return URLs, antiforgery, no framing.</summary>
public sealed class SignInTests
{
    private const string Email = "dev@example.com";

    private static async Task<(LatchkeyTestServer Server, PortalBrowser Browser)> StartAsync()
    {
        var server = await LatchkeyTestServer.StartAsync();
        await server.UserAsync(Email, PortalBrowser.Password);
        return (server, new PortalBrowser(server.CreateCookieClient()));
    }

    [Fact]
    public async Task SignIn_RightPassword_RedirectsToPortalSignedIn()
    {
        var (server, browser) = await StartAsync();
        await using var _ = server;

        using var response = await browser.SignInAsync(Email, PortalBrowser.Password);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/portal", response.Headers.Location?.OriginalString);
        Assert.Contains(Email, await browser.GetPageAsync("/portal"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Email, "wrong-password-123")]
    [InlineData("nobody@example.com", PortalBrowser.Password)]
    [InlineData(Email, "")]
    public async Task SignIn_WrongCredentials_ShowsOnePlainMessage(string email, string password)
    {
        var (server, browser) = await StartAsync();
        await using var _ = server;

        using var response = await browser.SignInAsync(email, password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(LoginModel.Incorrect, await response.HtmlAsync(), StringComparison.Ordinal);
        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task SignIn_AfterFiveFailures_IsLockedOutEvenWithTheRightPassword()
    {
        var (server, browser) = await StartAsync();
        await using var _ = server;

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var failed = await browser.SignInAsync(Email, "wrong-password-123");
            Assert.Contains(LoginModel.Incorrect, await failed.HtmlAsync(), StringComparison.Ordinal);
        }
        using var fifth = await browser.SignInAsync(Email, "wrong-password-123");
        using var right = await browser.SignInAsync(Email, PortalBrowser.Password);

        Assert.Contains("locked", await fifth.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("locked after too many failed sign-ins", await right.HtmlAsync(), StringComparison.Ordinal);
        await AssertSignedOutAsync(browser);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/path")]
    [InlineData("/\\evil.example")]
    [InlineData("http:evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task SignIn_ForeignReturnUrl_IsIgnored(string returnUrl)
    {
        var (server, browser) = await StartAsync();
        await using var _ = server;

        using var response = await browser.SignInAsync(Email, PortalBrowser.Password, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/portal", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignIn_LocalReturnUrl_IsHonoured()
    {
        var (server, browser) = await StartAsync();
        await using var _ = server;

        using var response = await browser.SignInAsync(Email, PortalBrowser.Password, "/portal/apps/new?org=x");

        Assert.Equal("/portal/apps/new?org=x", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_Is400()
    {
        var (server, browser) = await StartAsync();
        await using var _ = server;
        await browser.GetPageAsync("/account/login");

        using var response = await browser.PostAsync("/account/login", [new("Email", Email), new("Password", PortalBrowser.Password)]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertSignedOutAsync(browser);
    }

    [Theory]
    [InlineData("/portal")]
    [InlineData("/portal/apps/new")]
    [InlineData("/portal/apps/lkapp_unknown")]
    public async Task Portal_SignedOut_RedirectsToLogin(string path)
    {
        await using var server = await LatchkeyTestServer.StartAsync();

        using var response = await server.CreateClient().GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", response.Headers.Location?.AbsolutePath);
        Assert.Equal("?ReturnUrl=" + Uri.EscapeDataString(path), response.Headers.Location?.Query);
    }

    [Fact]
    public async Task SignOut_Post_EndsTheSession()
    {
        var (server, browser) = await StartAsync();
        await using var _ = server;
        using var signedIn = await browser.SignInAsync(Email, PortalBrowser.Password);

        using var response = await browser.SubmitAsync("/portal", [], "/account/logout");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", response.Headers.Location?.OriginalString);
        await AssertSignedOutAsync(browser);
    }

    [Fact]
    public async Task SignOut_GetOrPostWithoutToken_KeepsTheSession()
    {
        var (server, browser) = await StartAsync();
        await using var _ = server;
        using var signedIn = await browser.SignInAsync(Email, PortalBrowser.Password);

        await browser.GetPageAsync("/account/logout");
        using var forged = await browser.PostAsync("/account/logout", []);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await browser.GetPageAsync("/portal");
    }

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/account/logout")]
    [InlineData("/portal")]
    [InlineData("/portal/apps/new")]
    public async Task Pages_RefuseFraming(string path)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var org = await server.OrganizationAsync();
        var browser = await PortalBrowser.SignedInAsync(server, org.Id, OrganizationRole.Owner);

        using var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Contains("frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    private static async Task AssertSignedOutAsync(PortalBrowser browser)
    {
        using var portal = await browser.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.Redirect, portal.StatusCode);
        Assert.Equal("/account/login", portal.Headers.Location?.AbsolutePath);
    }
}
