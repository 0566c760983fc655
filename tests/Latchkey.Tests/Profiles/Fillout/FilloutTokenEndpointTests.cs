using System.Text.Json;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Protocol;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;
using static Latchkey.Tests.Profiles.Fillout.FilloutKit;

namespace Latchkey.Tests.Profiles.Fillout;

/// <summary>
/// <c>POST /public/oauth/accessToken</c> (seed 002, "Token creation request"): every way to get it wrong answers
/// RFC 6749 §5.2's <c>{error, error_description}</c> and changes nothing, beyond burning a misused code (DESIGN.md
/// rule 3); the code lifetime; the access token lifetime option; and the standard endpoint on a Fillout app.
/// </summary>
public sealed class FilloutTokenEndpointTests(FilloutServer shared) : IClassFixture<FilloutServer>
{
    private LatchkeyTestServer Server => shared.Server;

    /// <summary>A Fillout app and a fresh code for it, as consent at /authorize/oauth leaves them.</summary>
    private async Task<(FilloutApp App, string Code)> CodeAsync()
    {
        var app = await Server.FilloutAppAsync();
        var org = await Server.OrganizationAsync();
        var user = await Server.UserAsync($"{Guid.NewGuid():N}@example.com", "correct-horse-1", org.Id);
        return (app, (await Server.CodeAsync(app.App, org.Id, user.Id, Callback, scopes: [])).Code);
    }

    private static Dictionary<string, string> SeedFields(FilloutApp app, string code) => new()
    {
        ["code"] = code,
        ["client_id"] = app.ClientId,
        ["client_secret"] = app.Secret,
        ["redirect_uri"] = Callback,
    };

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(HttpRequestMessage request)
    {
        using var http = Server.CreateClient();
        return await http.ExchangeAsync(request);
    }

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostJsonAsync(Dictionary<string, string> fields) =>
        PostAsync(RawTokenRequest("application/json", JsonSerializer.Serialize(fields)));

    /// <summary>Nothing was issued for the app, and its code still redeems: the failed request changed nothing.</summary>
    private async Task AssertUnchangedAsync(FilloutApp app, string code)
    {
        Assert.Equal(0, await Server.TokenCountAsync(app.App.Id));
        var (status, body, _) = await PostAsync(JsonTokenRequest(app, code));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    public static TheoryData<string, HttpStatusCode, string> BadRequests => new()
    {
        { "unknown_code", HttpStatusCode.BadRequest, "invalid_grant" },
        { "malformed_code", HttpStatusCode.BadRequest, "invalid_grant" },
        { "wrong_secret", HttpStatusCode.Unauthorized, "invalid_client" },
        { "another_apps_secret", HttpStatusCode.Unauthorized, "invalid_client" },
        { "unknown_client", HttpStatusCode.Unauthorized, "invalid_client" },
        { "missing_code", HttpStatusCode.BadRequest, "invalid_request" },
        { "missing_client_id", HttpStatusCode.Unauthorized, "invalid_client" },
        { "missing_client_secret", HttpStatusCode.Unauthorized, "invalid_client" },
        { "missing_redirect_uri", HttpStatusCode.BadRequest, "invalid_request" },
        { "empty_redirect_uri", HttpStatusCode.BadRequest, "invalid_request" },
        { "refresh_grant", HttpStatusCode.BadRequest, "unsupported_grant_type" },
    };

    [Theory, MemberData(nameof(BadRequests))]
    public async Task BadRequest_AnswersTheOAuthErrorShape_AndChangesNothing(string @case, HttpStatusCode status, string error)
    {
        var (app, code) = await CodeAsync();
        var other = await Server.FilloutAppAsync();
        var fields = SeedFields(app, code);
        switch (@case)
        {
            case "unknown_code": fields["code"] = TokenCodec.Mint(TokenPrefixes.Default.AuthorizationCode); break;
            case "malformed_code": fields["code"] = "garbage"; break;
            case "wrong_secret": fields["client_secret"] = TokenCodec.Mint(TokenPrefixes.Default.ClientSecret); break;
            case "another_apps_secret": fields["client_secret"] = other.Secret; break;
            case "unknown_client": fields["client_id"] = TokenCodec.Mint(TokenPrefixes.Default.ClientId); break;
            case "missing_code": fields.Remove("code"); break;
            case "missing_client_id": fields.Remove("client_id"); break;
            case "missing_client_secret": fields.Remove("client_secret"); break;
            case "missing_redirect_uri": fields.Remove("redirect_uri"); break;
            case "empty_redirect_uri": fields["redirect_uri"] = ""; break;
            case "refresh_grant": fields["grant_type"] = "refresh_token"; break;
        }

        AssertError(status, error, await PostJsonAsync(fields));
        await AssertUnchangedAsync(app, code);
    }

    [Fact]
    public async Task WrongRedirectUri_IsInvalidGrant_BurnsTheCode_AndIssuesNothing()
    {
        var (app, code) = await CodeAsync();

        // OtherCallback is registered too, but the code was issued for Callback (RFC 6749 §4.1.3).
        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await PostAsync(JsonTokenRequest(app, code, OtherCallback)));

        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await PostAsync(JsonTokenRequest(app, code)));
        Assert.Equal(0, await Server.TokenCountAsync(app.App.Id));
    }

    [Fact]
    public async Task AnotherAppsCode_IsInvalidGrant_AndBurnsIt()
    {
        var (app, code) = await CodeAsync();
        var other = await Server.FilloutAppAsync();

        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await PostAsync(JsonTokenRequest(other, code)));

        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await PostAsync(JsonTokenRequest(app, code)));
        Assert.Equal(0, await Server.TokenCountAsync(app.App.Id) + await Server.TokenCountAsync(other.App.Id));
    }

    [Fact]
    public async Task ReusedCode_IsInvalidGrant_AndRevokesTheTokenItsFirstUseIssued()
    {
        var (app, code) = await CodeAsync();
        using var http = Server.CreateClient();
        var (token, _) = await http.RedeemAsync(app, code);

        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await PostAsync(JsonTokenRequest(app, code)));

        Assert.Equal(1, await Server.TokenCountAsync(app.App.Id));
        Assert.False(await Server.IsLiveAsync(token));
    }

    [Fact]
    public async Task Code_LivesFiveMinutes()
    {
        var app = await Server.FilloutAppAsync();
        var owner = await Server.PersonAsync();
        using var http = Server.CreateClient();
        var first = await owner.ApproveAsync(app);
        shared.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        var (token, _) = await http.RedeemAsync(app, first);
        // Consent is remembered now: the same request is answered with a code at once.
        using var again = await owner.Browser.GetAsync(AuthorizeUrl(app.ClientId));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        var second = again.ResponseParameters()["code"];

        shared.Clock.Advance(TimeSpan.FromMinutes(5));

        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await PostAsync(JsonTokenRequest(app, second)));
        Assert.Equal(1, await Server.TokenCountAsync(app.App.Id));
        Assert.True(await LiveAtClockAsync(token));
    }

    public static TheoryData<string> MalformedJson => new()
    {
        "",
        "not json",
        "[]",
        "null",
        "\"{code}\"",
        """{"code": "{code}", "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{redirect_uri}",}""",
        """{"code": "{code}", "code": "{code}", "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{redirect_uri}"}""",
        """{"code": "{code}", "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{redirect_uri}", "scope": "api"}""",
        """{"code": "{code}", "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{redirect_uri}", "clientSecret": "x"}""",
        """{"code": 12345, "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{redirect_uri}"}""",
        """{"code": null, "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{redirect_uri}"}""",
        """{"code": ["{code}"], "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{redirect_uri}"}""",
        """{"code": {"value": "{code}"}, "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{redirect_uri}"}""",
        """{"code": "{code}", "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{redirect_uri}"} {}""",
        """{"code": "{code}", "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{long}"}""",
        """{"code": "{code}", "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{redirect_uri}", "pad": "{huge}"}""",
    };

    [Theory, MemberData(nameof(MalformedJson))]
    public async Task MalformedJson_IsInvalidRequest_AndChangesNothing(string template)
    {
        var (app, code) = await CodeAsync();
        var body = template.Replace("{code}", code, StringComparison.Ordinal).Replace("{client_id}", app.ClientId, StringComparison.Ordinal)
            .Replace("{client_secret}", app.Secret, StringComparison.Ordinal).Replace("{redirect_uri}", Callback, StringComparison.Ordinal)
            .Replace("{long}", Callback + "?" + new string('a', 5000), StringComparison.Ordinal)
            .Replace("{huge}", new string('a', 70 * 1024), StringComparison.Ordinal);

        AssertError(HttpStatusCode.BadRequest, "invalid_request", await PostAsync(RawTokenRequest("application/json", body)));
        await AssertUnchangedAsync(app, code);
    }

    public static TheoryData<string?, string> WrongBodies => new()
    {
        { null, "code={code}&client_id={client_id}&client_secret={client_secret}&redirect_uri={redirect_uri}" },
        { "text/plain", """{"code": "{code}", "client_id": "{client_id}", "client_secret": "{client_secret}", "redirect_uri": "{redirect_uri}"}""" },
        { "application/xml", "<code>{code}</code>" },
        { "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n{code}\r\n--x--" },
        { "application/x-www-form-urlencoded", "code={code}&code={code}&client_id={client_id}&client_secret={client_secret}&redirect_uri={redirect_uri}" },
    };

    [Theory, MemberData(nameof(WrongBodies))]
    public async Task WrongContentTypeOrForm_IsInvalidRequest_AndChangesNothing(string? contentType, string template)
    {
        var (app, code) = await CodeAsync();
        var body = template.Replace("{code}", code, StringComparison.Ordinal).Replace("{client_id}", app.ClientId, StringComparison.Ordinal)
            .Replace("{client_secret}", app.Secret, StringComparison.Ordinal).Replace("{redirect_uri}", Uri.EscapeDataString(Callback), StringComparison.Ordinal);

        AssertError(HttpStatusCode.BadRequest, "invalid_request", await PostAsync(RawTokenRequest(contentType, body)));
        await AssertUnchangedAsync(app, code);
    }

    [Fact]
    public async Task ParametersInTheQueryString_AreRefused_AndChangeNothing()
    {
        var (app, code) = await CodeAsync();
        var query = $"?code={code}&client_id={app.ClientId}&client_secret={app.Secret}&redirect_uri={Uri.EscapeDataString(Callback)}";

        AssertError(HttpStatusCode.BadRequest, "invalid_request", await PostAsync(RawTokenRequest("application/json", "{}", TokenPath + query)));
        await AssertUnchangedAsync(app, code);
    }

    [Fact]
    public async Task JsonWithCharsetAndTheStandardExtras_IsAccepted()
    {
        var (app, code) = await CodeAsync();
        var fields = SeedFields(app, code);
        fields["grant_type"] = "authorization_code";

        var (status, body, _) = await PostAsync(RawTokenRequest("application/json; charset=utf-8", JsonSerializer.Serialize(fields)));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    [Fact]
    public async Task ClientAuthentication_WithHttpBasic_IsAcceptedToo()
    {
        var (app, code) = await CodeAsync();
        var request = RawTokenRequest("application/json", JsonSerializer.Serialize(new Dictionary<string, string> { ["code"] = code, ["redirect_uri"] = Callback }));
        request.Headers.Authorization = OAuthClient.BasicHeader(app.ClientId, app.Secret);

        var (status, body, _) = await PostAsync(request);

        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    [Fact]
    public async Task Pkce_SentToAuthorizeOauth_IsCheckedAtTheFilloutTokenEndpoint()
    {
        var app = await Server.FilloutAppAsync();
        var owner = await Server.PersonAsync();
        var (verifier, challenge) = AuthorizeKit.NewPkce();
        using var page = await owner.Browser.GetAsync(AuthorizeUrl(app.ClientId) + $"&code_challenge={challenge}&code_challenge_method=S256");
        var (_, form) = await page.AssertConsentPageAsync();
        using var approved = await owner.Browser.PostAsync(AuthorizePath, form.Answer("approve", owner.OrganizationId));
        var fields = SeedFields(app, approved.ResponseParameters()["code"]);
        fields["code_verifier"] = verifier;

        var (status, body, _) = await PostJsonAsync(fields);

        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    [Fact]
    public async Task AccessToken_WithoutALifetimeOption_LivesUntilInvalidated()
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock);
        var app = await server.FilloutAppAsync();
        var owner = await server.PersonAsync();
        using var http = server.CreateClient();
        var (token, _) = await http.RedeemAsync(app, await owner.ApproveAsync(app));

        clock.Advance(TimeSpan.FromDays(3650));

        using var session = await http.SessionAsync(token);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.Null(await server.WithDbAsync(db => db.Tokens.Where(t => t.AppId == app.App.Id).Select(t => t.ExpiresAt).SingleAsync()));
    }

    [Fact]
    public async Task AccessToken_WithTheLifetimeOption_ExpiresThen()
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(clock, settings: new() { ["Latchkey:Fillout:AccessTokenLifetime"] = "01:00:00" });
        var app = await server.FilloutAppAsync();
        var owner = await server.PersonAsync();
        using var http = server.CreateClient();
        var (token, _) = await http.RedeemAsync(app, await owner.ApproveAsync(app));

        clock.Advance(TimeSpan.FromMinutes(59));
        using (var before = await http.SessionAsync(token))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }
        clock.Advance(TimeSpan.FromMinutes(1));
        using var after = await http.SessionAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Contains("error=\"invalid_token\"", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandardTokenEndpoint_OnAFilloutApp_IssuesAnAccessTokenWithoutRefreshTokenOrExpiry()
    {
        var (app, code) = await CodeAsync();

        var (status, body, _) = await PostAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", Callback)], (app.ClientId, app.Secret)));

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(["access_token", "token_type", "scope"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        using var http = Server.CreateClient();
        using var session = await http.SessionAsync(body.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
    }

    [Fact]
    public async Task AnotherProfilesApp_IsUnauthorizedClient_AndItsCodeStillRedeemsAtTheStandardEndpoint()
    {
        var app = await Server.FilloutAppAsync(Latchkey.Profiles.ProfileName.Standard);
        var owner = await Server.PersonAsync();
        // /authorize/oauth is only another spelling of the standard request: any app may use it.
        var code = await owner.ApproveAsync(app);

        AssertError(HttpStatusCode.BadRequest, "unauthorized_client", await PostAsync(JsonTokenRequest(app, code)));

        Assert.Equal(0, await Server.TokenCountAsync(app.App.Id));
        var (status, body, _) = await PostAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", Callback)], (app.ClientId, app.Secret)));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.True(body.TryGetProperty("refresh_token", out _));
    }

    /// <summary>The profile check comes after client authentication: without the secret, nothing says what profile an app has.</summary>
    [Fact]
    public async Task AnotherProfilesApp_WithAWrongSecret_IsInvalidClient_NotUnauthorizedClient()
    {
        var app = await Server.FilloutAppAsync(Latchkey.Profiles.ProfileName.Standard);
        var owner = await Server.PersonAsync();
        var code = await owner.ApproveAsync(app);

        var fields = SeedFields(app, code);
        fields["client_secret"] = TokenCodec.Mint(TokenPrefixes.Default.ClientSecret);

        AssertError(HttpStatusCode.Unauthorized, "invalid_client", await PostJsonAsync(fields));
        Assert.Equal(0, await Server.TokenCountAsync(app.App.Id));
    }

    private Task<bool> LiveAtClockAsync(string token) =>
        Server.WithScopeAsync(async services =>
            await services.GetRequiredService<TokenLookup>().FindAsync(token, null, default) is { } found
            && found.WhyInactiveAt(shared.Clock.GetUtcNow()) is null);
}
