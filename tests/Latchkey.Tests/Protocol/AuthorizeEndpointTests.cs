using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Microsoft.EntityFrameworkCore;
using static Latchkey.Tests.Protocol.AuthorizeKit;

namespace Latchkey.Tests.Protocol;

/// <summary>GET /oauth/authorize (RFC 6749 §3.1, §4.1.1–4.1.2.1; RFC 7636 §4.3–4.4; RFC 8252 §7.3; RFC 9207; RFC 9700 §2.1, §4.1).</summary>
public sealed class AuthorizeEndpointTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private LatchkeyTestServer Server => shared.Server;

    private async Task<HttpResponseMessage> GetAsync(string url)
    {
        using var http = Server.CreateClient();
        return await http.GetAsync(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);
    }

    private async Task<App> AppAsync(Func<AppDraft, AppDraft>? change = null) =>
        (await Server.OAuthAppAsync((await Server.OrganizationAsync()).Id, change)).App;

    [Theory]
    [InlineData("xyz")]
    [InlineData("with spaces and + plus")]
    [InlineData("ünïcødé ✓ 状态")]
    [InlineData("a&b=c&state=evil#frag?q")]
    public async Task Authorize_SignInConsentApprove_RedirectsWithCodeStateAndIss_AndTheCodeRedeems(string state)
    {
        var owner = await Server.PersonAsync(OrganizationRole.Owner);
        var (app, secret) = await Server.OAuthAppAsync(owner.OrganizationId);
        var browser = new PortalBrowser(Server.CreateCookieClient());
        var (verifier, challenge) = NewPkce();
        var url = Url(("response_type", "code"), ("client_id", app.ClientId), ("redirect_uri", Callback), ("state", state),
            ("scope", "posts:read posts:write"), ("code_challenge", challenge), ("code_challenge_method", "S256"));

        using var toLogin = await browser.GetAsync(url);
        var returnUrl = toLogin.AssertSignInRedirect();
        AssertSameRequest(url, returnUrl);
        using var signedIn = await browser.SignInAsync(owner.Email, PortalBrowser.Password, returnUrl);
        Assert.Equal(returnUrl, signedIn.Headers.Location?.OriginalString);
        using var consentPage = await browser.FollowAsync(signedIn);
        var (html, form) = await consentPage.AssertConsentPageAsync();
        Assert.Contains("Roadmap Sync", html, StringComparison.Ordinal);
        Assert.Contains("<code>posts:write</code> Create, update, delete, assign posts", html, StringComparison.Ordinal);
        Assert.Equal([owner.OrganizationId], form.Organizations);
        using var approved = await browser.PostAsync(AuthorizePath, form.Answer("approve", owner.OrganizationId));

        Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        Assert.Equal(Callback, approved.Target());
        Assert.True(approved.Headers.CacheControl?.NoStore);
        var response = approved.ResponseParameters();
        Assert.Equal(state, response["state"]);
        Assert.Equal(Issuer, response["iss"]);
        var (status, body) = await Server.RedeemAsync(app, secret!, response["code"], verifier);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("posts:read posts:write", body.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Authorize_KeepsTheQueryOfTheRegisteredRedirectUri()
    {
        const string withQuery = "https://client.example/callback?tenant=7";
        var app = await AppAsync(d => d with { RedirectUris = [withQuery] });

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("redirect_uri", withQuery), ("response_type", "token"), ("state", "s")));

        Assert.StartsWith(withQuery + "&", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal("7", response.ResponseParameters()["tenant"]);
        response.AssertRedirectedError("unsupported_response_type", Callback);
    }

    public static TheoryData<string> BadClientIds => ["", "lkapp_doesnotexist", "<script>alert(1)</script>", new string('a', 5000)];

    [Theory]
    [MemberData(nameof(BadClientIds))]
    public async Task Authorize_MissingUnknownOrMalformedClientId_ShowsTheErrorPage(string clientId)
    {
        using var response = await GetAsync(Url(("client_id", clientId), ("redirect_uri", Callback), ("response_type", "code"), ("state", "s")));

        var html = await response.AssertErrorPageAsync();
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_ClientIdTwice_ShowsTheErrorPage()
    {
        var app = await AppAsync();

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("client_id", app.ClientId), ("redirect_uri", Callback), ("response_type", "code")));

        await response.AssertErrorPageAsync();
    }

    [Fact]
    public async Task Authorize_SuspendedApp_ShowsTheErrorPage()
    {
        var app = await AppAsync();
        await Server.WithDbAsync(db => db.Apps.Where(a => a.Id == app.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, AppStatus.Suspended)));

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("redirect_uri", Callback), ("response_type", "code")));

        await response.AssertErrorPageAsync();
    }

    [Theory]
    [InlineData("https://evil.example/callback")]
    [InlineData("https://client.example/callback#fragment")]
    [InlineData("https://client.example/other")]
    [InlineData("https://client.example/Callback")]
    [InlineData("https://CLIENT.example/callback")]
    [InlineData("https://client.example/callback/")]
    [InlineData("https://client.example/callback?extra=1")]
    [InlineData("https://client.example:443/callback")]
    [InlineData("http://client.example/callback")]
    [InlineData("https://client.example/callback/../callback")]
    public async Task Authorize_RedirectUriNotRegisteredExactly_ShowsTheErrorPage_NeverRedirects(string redirectUri)
    {
        var app = await AppAsync();

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("redirect_uri", redirectUri), ("response_type", "code"), ("state", "s")));

        await response.AssertErrorPageAsync();
    }

    [Fact]
    public async Task Authorize_RedirectUriTwice_ShowsTheErrorPage()
    {
        var app = await AppAsync();

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("redirect_uri", Callback), ("redirect_uri", Callback), ("response_type", "code")));

        await response.AssertErrorPageAsync();
    }

    [Fact]
    public async Task Authorize_RedirectUriOmitted_WithTwoRegistered_ShowsTheErrorPage()
    {
        var app = await AppAsync(d => d with { RedirectUris = [Callback, "https://client.example/second"] });

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("response_type", "code"), ("state", "s")));

        await response.AssertErrorPageAsync();
    }

    [Fact]
    public async Task Authorize_RedirectUriOmitted_WithOneRegistered_UsesIt()
    {
        var app = await AppAsync();

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("response_type", "token"), ("state", "s")));

        response.AssertRedirectedError("unsupported_response_type");
    }

    [Theory]
    [InlineData("http://127.0.0.1/cb", "http://127.0.0.1:51234/cb")]
    [InlineData("http://127.0.0.1:8400/cb", "http://127.0.0.1:51234/cb")]
    [InlineData("http://127.0.0.1:8400/cb", "http://127.0.0.1/cb")]
    [InlineData("http://[::1]/cb", "http://[::1]:51234/cb")]
    public async Task Authorize_LoopbackIpLiteral_MatchesWithAnyPort(string registered, string requested)
    {
        var app = await AppAsync(d => d with { RedirectUris = [registered] });

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("redirect_uri", requested), ("response_type", "token"), ("state", "s")));

        response.AssertRedirectedError("unsupported_response_type", requested);
    }

    [Theory]
    [InlineData("http://localhost/cb", "http://localhost:51234/cb")]
    [InlineData("http://127.0.0.1/cb", "http://127.0.0.1:51234/other")]
    [InlineData("http://127.0.0.1/cb", "http://127.0.0.2:51234/cb")]
    [InlineData("http://127.0.0.1/cb", "http://127.0.0.1:99999/cb")]
    [InlineData("http://127.0.0.1/cb", "http://127.0.0.1:51234@evil.example/cb")]
    [InlineData("https://client.example/callback", "https://client.example:8443/callback")]
    public async Task Authorize_PortExceptionOnlyForLoopbackIpLiterals(string registered, string requested)
    {
        var app = await AppAsync(d => d with { RedirectUris = [registered] });

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("redirect_uri", requested), ("response_type", "code"), ("state", "s")));

        await response.AssertErrorPageAsync();
    }

    public static TheoryData<string, string[], bool> RedirectedErrors => new()
    {
        // error, extra parameters (name=value), whether state comes back
        { "invalid_request", ["state=again"], false },
        { "invalid_request", ["scope=posts:read", "scope=posts:write"], true },
        { "invalid_request", [], true },
        { "invalid_request", ["response_type=code", "scope=" + new string('s', 5000)], true },
        { "unsupported_response_type", ["response_type=token"], true },
        { "unsupported_response_type", ["response_type=code token"], true },
        { "unsupported_response_type", ["response_type=id_token"], true },
        { "invalid_scope", ["response_type=code", "scope=posts:read admin:everything"], true },
        { "invalid_scope", ["response_type=code", "scope=posts:delete"], true },
        { "invalid_request", ["response_type=code", "code_challenge_method=S256"], true },
        { "invalid_request", ["response_type=code", "code_challenge=" + Challenge], true },
        { "invalid_request", ["response_type=code", "code_challenge=" + Challenge, "code_challenge_method=plain"], true },
        { "invalid_request", ["response_type=code", "code_challenge=" + Challenge, "code_challenge_method=S512"], true },
        { "invalid_request", ["response_type=code", "code_challenge=short", "code_challenge_method=S256"], true },
        { "invalid_request", ["response_type=code", "code_challenge=" + Challenge[..42] + "+", "code_challenge_method=S256"], true },
        { "invalid_request", ["response_type=code", "actor=robot"], true },
        { "invalid_request", ["response_type=code", "prompt=select_account"], true },
        { "invalid_request", ["response_type=code", "prompt=none login"], true },
        { "login_required", ["response_type=code", "prompt=none"], true },
    };

    [Theory]
    [MemberData(nameof(RedirectedErrors))]
    public async Task Authorize_BadParameter_RedirectsTheErrorWithStateAndIss(string error, string[] extra, bool stateReturned)
    {
        var app = await AppAsync();
        var parameters = extra.Select(e => (e[..e.IndexOf('=', StringComparison.Ordinal)], e[(e.IndexOf('=', StringComparison.Ordinal) + 1)..]));

        using var response = await GetAsync(Url([("client_id", app.ClientId), ("redirect_uri", Callback), ("state", "the state"), .. parameters]));

        var returned = response.AssertRedirectedError(error);
        Assert.Equal(stateReturned ? "the state" : null, returned.GetValueOrDefault("state"));
    }

    [Fact]
    public async Task Authorize_OversizedState_IsInvalidRequest_WithoutTheState()
    {
        var app = await AppAsync();

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("response_type", "code"), ("state", new string('s', 5000))));

        Assert.DoesNotContain("state", response.AssertRedirectedError("invalid_request").Keys);
    }

    [Fact]
    public async Task Authorize_ActorTheAppDoesNotAllow_IsInvalidRequest()
    {
        var app = await AppAsync(d => d with { ActorModes = [ActorMode.Self] });

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("response_type", "code"), ("actor", "app"), ("state", "s")));

        Assert.Contains("actor", response.AssertRedirectedError("invalid_request")["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_PublicAppWithoutCodeChallenge_IsInvalidRequest()
    {
        var app = await AppAsync(d => d with { IsPublic = true });

        using var response = await GetAsync(Url(("client_id", app.ClientId), ("response_type", "code"), ("state", "s")));

        Assert.Contains("PKCE", response.AssertRedirectedError("invalid_request")["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authorize_ValidRequest_NotSignedIn_SendsToSignInWithTheRequestAsReturnUrl()
    {
        var app = await AppAsync();
        var url = UrlFor(app, Challenge);

        using var response = await GetAsync(url);

        AssertSameRequest(url, response.AssertSignInRedirect());
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal(0, await Server.CodeCountAsync(app.Id));
    }

    [Fact]
    public async Task Authorize_PromptLogin_ReturnUrlDropsLoginButKeepsTheRest()
    {
        var app = await AppAsync();

        using var response = await GetAsync(UrlFor(app, Challenge, ("prompt", "login consent")));

        AssertSameRequest(UrlFor(app, Challenge, ("prompt", "consent")), response.AssertSignInRedirect());
    }
}
