using System.Text.Json;
using Latchkey.Profiles.Fub;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Protocol;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;
using static Latchkey.Tests.Profiles.Fub.FubKit;

namespace Latchkey.Tests.Profiles.Fub;

/// <summary>
/// Seed 001 walked over HTTP as a FUB client written from it would, on a FUB deployment: the app made as
/// seed 000 makes it, consent (approve, deny, prompt=login), the GET exchange, an authenticated call, the GET
/// refresh; and FUB's current recommendation beside it, <c>POST /oauth/token</c> answering RFC 6749 JSON.
/// </summary>
public sealed class FubOAuthFlowTests(FubServer fub) : IClassFixture<FubServer>
{
    private static readonly string[] TokenDataFields = ["access_token", "token_type", "refresh_token", "ttl", "issued_at", "expires_at"];

    private LatchkeyTestServer Server => fub.Server;

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task SeedFlow_ConsentExchangeCallRefresh_AnswersEveryFieldTheSeedShows(DatabaseKind kind)
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock, kind);
        using var http = server.CreateClient();

        // Seed 000: the Registered System creates the OAuth Client App.
        var app = await server.CreateAppAsync();
        var user = await server.UserAsync();

        // Step 1: the user is sent to the consent URL, signs in, and approves.
        using var approved = await ConsentAsync(user, app);

        // Step 2: back to the redirect URI with response=approved, the code and the state as sent (and RFC 9207's iss).
        Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        Assert.Equal(RedirectUri, approved.Target());
        var callback = approved.ResponseParameters();
        Assert.Equal(["response", "code", "state", "iss"], callback.Keys);
        Assert.Equal("approved", callback["response"]);
        Assert.Equal(State, callback["state"]);
        Assert.Equal(AuthorizeKit.Issuer, callback["iss"]);
        Assert.StartsWith("?response=approved&code=", approved.Headers.Location!.Query, StringComparison.Ordinal);
        var code = callback["code"];

        // Step 3: the code exchanged by GET with HTTP Basic, answered in the legacy shape.
        var issuedAt = clock.GetUtcNow();
        var exchanged = await http.ExchangeCodeAsync(app, code);
        var (access, refresh) = AssertLegacyTokens(exchanged, issuedAt);

        // Step 4: an authenticated request with the access token as Bearer.
        using var session = await http.SessionAsync(access);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var who = await session.JsonAsync();
        Assert.Equal(user.Email, who.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal(user.OrganizationId, who.GetProperty("organization").GetProperty("id").GetGuid());
        Assert.Equal(app.ClientId, who.GetProperty("app").GetProperty("client_id").GetString());
        Assert.Equal(["api"], who.GetProperty("scopes").Strings());

        // Step 5: half an hour later, a refresh by GET: a new set, in the same shape; the old access token ends.
        clock.Advance(TimeSpan.FromMinutes(30));
        var refreshed = await http.RefreshAsync(app, refresh);
        var (newAccess, newRefresh) = AssertLegacyTokens(refreshed, clock.GetUtcNow());
        Assert.NotEqual(access, newAccess);
        Assert.NotEqual(refresh, newRefresh);
        using var oldSession = await http.SessionAsync(access);
        Assert.Equal(HttpStatusCode.Unauthorized, oldSession.StatusCode);
        using var newSession = await http.SessionAsync(newAccess);
        Assert.Equal(HttpStatusCode.OK, newSession.StatusCode);
    }

    /// <summary>FACTS.md's legacy success: exactly these fields, <c>ttl</c> a string of seconds, times in FUB's format.</summary>
    private static (string Access, string Refresh) AssertLegacyTokens((HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) result, DateTimeOffset issuedAt)
    {
        Assert.True(result.Status == HttpStatusCode.OK, result.Body.ToString());
        Assert.Equal("application/json", result.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(result.Response.Headers.CacheControl?.NoStore);
        Assert.Equal(["success", "data"], result.Body.EnumerateObject().Select(p => p.Name));
        Assert.True(result.Body.GetProperty("success").GetBoolean());
        var data = result.Body.GetProperty("data");
        Assert.Equal(TokenDataFields, data.EnumerateObject().Select(p => p.Name));
        Assert.Equal("bearer", data.GetProperty("token_type").GetString());
        Assert.Equal(JsonValueKind.String, data.GetProperty("ttl").ValueKind);
        Assert.Equal("3600", data.GetProperty("ttl").GetString());
        Assert.Equal(FubTime.Format(issuedAt), data.GetProperty("issued_at").GetString());
        Assert.Equal(FubTime.Format(issuedAt.AddHours(1)), data.GetProperty("expires_at").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", data.GetProperty("expires_at").GetString()!);
        var access = data.GetProperty("access_token").GetString()!;
        var refresh = data.GetProperty("refresh_token").GetString()!;
        Assert.True(TokenCodec.IsWellFormed(access, TokenPrefixes.Default.AccessToken));
        Assert.True(TokenCodec.IsWellFormed(refresh, TokenPrefixes.Default.RefreshToken));
        return (access, refresh);
    }

    [Fact]
    public async Task Deny_RedirectsResponseDenied_WithStateAndNoCode_AndInstallsNothing()
    {
        var app = await Server.CreateAppAsync();
        var user = await Server.UserAsync();

        using var denied = await ConsentAsync(user, app, "deny");

        Assert.Equal(HttpStatusCode.SeeOther, denied.StatusCode);
        Assert.Equal(RedirectUri, denied.Target());
        var callback = denied.ResponseParameters();
        Assert.Equal(["response", "error", "error_description", "state", "iss"], callback.Keys);
        Assert.Equal("denied", callback["response"]);
        Assert.Equal("access_denied", callback["error"]);
        Assert.Equal(State, callback["state"]);
        Assert.Equal(0, await Server.WithDbAsync(db => db.Installations.CountAsync(i => db.Apps.Any(a => a.Id == i.AppId && a.ClientId == app.ClientId))));
        Assert.Equal(0, await Server.WithDbAsync(db => db.AuthorizationCodes.CountAsync(c => db.Apps.Any(a => a.Id == c.AppId && a.ClientId == app.ClientId))));
    }

    [Fact]
    public async Task PromptLogin_SignedInUser_SignsInAgain_ThenGetsACodeThatWorks()
    {
        var app = await Server.CreateAppAsync();
        var user = await Server.UserAsync();
        using var first = await ConsentAsync(user, app);
        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);

        using var toSignIn = await user.Browser.GetAsync(AuthorizeUrl(app, ("prompt", "login")));
        var returnUrl = toSignIn.AssertSignInRedirect();
        using var signedIn = await user.Browser.SignInAsync(user.Email, Latchkey.Tests.Portal.PortalBrowser.Password, returnUrl);
        using var approved = await user.Browser.FollowAsync(signedIn);

        // The sign-in it asked for happened; the consent given before is remembered, so the code comes at once.
        AuthorizeKit.AssertSameRequest(AuthorizeUrl(app), returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal(RedirectUri, approved.Target());
        var callback = approved.ResponseParameters();
        Assert.Equal("approved", callback["response"]);
        Assert.Equal(State, callback["state"]);
        using var http = Server.CreateClient();
        (await http.ExchangeCodeAsync(app, callback["code"])).Tokens();
    }

    [Theory]
    [InlineData("prompt", "select_account", "invalid_request")]
    [InlineData("prompt", "none login", "invalid_request")]
    [InlineData("response_type", "auth_code", "invalid_request")]
    public async Task RefusedRequest_RedirectsResponseDenied_WithTheRfcErrorAndState(string name, string value, string error)
    {
        var app = await Server.CreateAppAsync();
        // A parameter named twice is one of the refusals: the seed's own response_type again is still ambiguous.
        var url = name == "response_type" ? AuthorizeUrl(app) + "&response_type=" + value : AuthorizeUrl(app, (name, value));

        using var response = await Server.CreateClient().GetAsync(url, TestContext.Current.CancellationToken);

        var callback = response.AssertRedirectedError(error, RedirectUri);
        Assert.Equal("denied", callback["response"]);
        Assert.Equal(State, callback["state"]);
    }

    [Theory]
    [InlineData("client_id", "lkapp_unknown")]
    [InlineData("redirect_uri", "http://www.yoursite.com/oauth/other")]
    [InlineData("redirect_uri", "https://www.yoursite.com/oauth/redirect")]
    public async Task UnknownClientOrRedirectUri_ShowsTheErrorPage_NeverRedirects(string name, string value)
    {
        var app = await Server.CreateAppAsync();

        using var response = await Server.CreateClient().GetAsync(AuthorizeUrl(app, (name, value)), TestContext.Current.CancellationToken);

        await response.AssertErrorPageAsync();
    }

    /// <summary>FUB has no scope and no PKCE: such parameters are ignored (RFC 6749 §3.1), the whole allowed set is granted.</summary>
    [Fact]
    public async Task ScopeAndPkceParameters_AreIgnored_TheAppGetsItsWholeAllowedSet()
    {
        var app = await Server.CreateAppAsync();
        var user = await Server.UserAsync();
        using var approved = await ConsentAsync(user, app, "approve",
            ("scope", "no.such.scope"), ("code_challenge", "short"), ("code_challenge_method", "plain"), ("actor", "robot"));
        using var http = Server.CreateClient();

        var (access, _) = (await http.ExchangeCodeAsync(app, approved.ResponseParameters()["code"])).Tokens();

        using var session = await http.SessionAsync(access);
        Assert.Equal(["api"], (await session.JsonAsync()).GetProperty("scopes").Strings());
    }

    /// <summary>FACTS.md: FUB now recommends <c>POST /oauth/token</c> with a form body and HTTP Basic, answering RFC 6749 JSON.</summary>
    [Fact]
    public async Task FubConsent_ThenPostTokenEndpoint_AnswersRfc6749Json_AndRefreshes()
    {
        var app = await Server.CreateAppAsync();
        var code = await CodeAsync(await Server.UserAsync(), app);
        using var http = Server.CreateClient();

        var (status, body, response) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", RedirectUri)], app.Basic));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt64());
        Assert.Equal("api", body.GetProperty("scope").GetString());
        using var session = await http.SessionAsync(body.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        var (refreshStatus, refreshed, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "refresh_token"), new("refresh_token", body.GetProperty("refresh_token").GetString()!)], app.Basic));
        Assert.Equal(HttpStatusCode.OK, refreshStatus);
        Assert.Equal(3600, refreshed.GetProperty("expires_in").GetInt64());
    }

    /// <summary>A standard RFC client (RFC 6749 §4.1 with RFC 7636) against a FUB app on a FUB deployment.</summary>
    [Fact]
    public async Task StandardClient_OnAFubApp_AuthorizesAndRedeemsTheRfcWay()
    {
        var app = await Server.CreateAppAsync();
        var user = await Server.UserAsync();
        var (verifier, challenge) = AuthorizeKit.NewPkce();
        var url = AuthorizeKit.Url(("response_type", "code"), ("client_id", app.ClientId), ("redirect_uri", RedirectUri),
            ("state", "xyz"), ("code_challenge", challenge), ("code_challenge_method", "S256"));
        using var toSignIn = await user.Browser.GetAsync(url);
        using var signedIn = await user.Browser.SignInAsync(user.Email, Latchkey.Tests.Portal.PortalBrowser.Password, toSignIn.AssertSignInRedirect());
        using var consentPage = await user.Browser.FollowAsync(signedIn);
        var (_, form) = await consentPage.AssertConsentPageAsync();

        using var approved = await user.Browser.PostAsync("/oauth/authorize", form.Answer("approve", user.OrganizationId));

        var callback = approved.ResponseParameters();
        Assert.Equal(["code", "state", "iss"], callback.Keys);
        using var http = Server.CreateClient();
        var (status, body, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", callback["code"]), new("redirect_uri", RedirectUri), new("code_verifier", verifier)],
            app.Basic));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt64());
    }

    /// <summary>FACTS.md names no FUB grant name for the POST endpoint beyond RFC 6749's, so <c>auth_code</c> is not one there; nothing is consumed.</summary>
    [Fact]
    public async Task PostTokenEndpoint_WithFubsGrantName_IsUnsupportedGrantType_AndTheCodeStillWorks()
    {
        var app = await Server.CreateAppAsync();
        var code = await CodeAsync(await Server.UserAsync(), app);
        using var http = Server.CreateClient();

        var (status, body, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "auth_code"), new("code", code), new("redirect_uri", RedirectUri)], app.Basic));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unsupported_grant_type", body.GetProperty("error").GetString());
        (await http.ExchangeCodeAsync(app, code)).Tokens();
    }
}
