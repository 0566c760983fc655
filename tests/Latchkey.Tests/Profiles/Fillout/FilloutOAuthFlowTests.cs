using System.Net.Http.Headers;
using System.Text.Json;
using Latchkey.Configuration;
using Latchkey.Hosting;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Latchkey.Tests.Protocol;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static Latchkey.Tests.Profiles.Fillout.FilloutKit;

namespace Latchkey.Tests.Profiles.Fillout;

/// <summary>
/// Seed 002 walked from its text alone, over HTTP: the developer creates an app in the settings UI (icon, several
/// redirect URIs, a client secret shown once, the client id); a user is sent to <c>GET /authorize/oauth</c> with
/// client_id, redirect_uri and state, signs in and approves; the redirect brings code and state back; the token
/// request posts code, client_id, client_secret and redirect_uri and gets access_token and base_url; the token
/// works at the API; <c>DELETE /public/oauth/invalidate</c> with the Bearer token ends it.
/// </summary>
public sealed class FilloutOAuthFlowTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task SeedFlow_WithAJsonTokenRequest_WorksAsDocumented(DatabaseKind kind)
    {
        await using var server = await StartAsync(kind: kind);
        await WalkAsync(server, JsonTokenRequest);
    }

    [Fact]
    public async Task SeedFlow_WithAFormTokenRequest_WorksAsDocumented()
    {
        await using var server = await StartAsync();
        await WalkAsync(server, FormTokenRequest);
    }

    [Fact]
    public async Task Deny_RedirectsAccessDeniedWithState_AndIssuesNothing()
    {
        await using var server = await StartAsync();
        var app = await server.FilloutAppAsync();
        var user = await server.PersonAsync(OrganizationRole.Member);
        using var page = await user.Browser.GetAsync(AuthorizeUrl(app.ClientId));
        var (_, form) = await page.AssertConsentPageAsync();

        using var denied = await user.Browser.PostAsync(AuthorizePath, form.Answer("deny", null));

        // RFC 6749 §4.1.2.1, which the seed leaves unsaid: error and state, no code.
        var parameters = denied.AssertRedirectedError("access_denied", Callback);
        Assert.Equal(State, parameters["state"]);
        Assert.Equal(0, await server.InstallationCountAsync(app.App.Id));
        Assert.Equal(0, await server.CodeCountAsync(app.App.Id));
    }

    [Fact]
    public async Task BaseUrl_WithoutConfiguration_IsThisServersIssuer()
    {
        await using var server = await StartAsync(settings: new() { ["Latchkey:Fillout:BaseUrl"] = "", ["Latchkey:Issuer"] = "https://auth.example/" });
        var app = await server.FilloutAppAsync();
        var owner = await server.PersonAsync();
        using var http = server.CreateClient();

        var (_, baseUrl) = await http.RedeemAsync(app, await owner.ApproveAsync(app));

        Assert.Equal("https://auth.example", baseUrl);
    }

    [Fact]
    public async Task BaseUrl_ConfiguredWithATrailingSlash_IsAnsweredWithoutIt()
    {
        await using var server = await StartAsync(settings: new() { ["Latchkey:Fillout:BaseUrl"] = "https://eu.api.example/" });
        var app = await server.FilloutAppAsync();
        var owner = await server.PersonAsync();
        using var http = server.CreateClient();

        var (_, baseUrl) = await http.RedeemAsync(app, await owner.ApproveAsync(app));

        Assert.Equal("https://eu.api.example", baseUrl);
    }

    [Theory]
    [InlineData("Latchkey:Fillout:BaseUrl", "api.example.com")]
    [InlineData("Latchkey:Fillout:BaseUrl", "ftp://api.example.com")]
    [InlineData("Latchkey:Fillout:AccessTokenLifetime", "00:00:00")]
    [InlineData("Latchkey:Fillout:AccessTokenLifetime", "-01:00:00")]
    public void Start_WithABadFilloutSetting_Fails(string key, string value)
    {
        var builder = LatchkeyServer.CreateBuilder(new Dictionary<string, string?> { [key] = value });
        using var app = builder.Build();

        var failure = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<LatchkeyOptions>>().Value);
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }

    private static async Task WalkAsync(LatchkeyTestServer server, Func<FilloutApp, string, string, HttpRequestMessage> tokenRequest)
    {
        using var http = server.CreateClient();

        // "Creating an OAuth app": the developer's settings page, with the deployment's profile preselected.
        var developer = await server.PersonAsync(OrganizationRole.Owner);
        var newApp = await developer.Browser.GetPageAsync("/portal/apps/new");
        Assert.Matches("<option[^>]*selected[^>]*value=\"fillout\"|<option[^>]*value=\"fillout\"[^>]*selected", newApp);
        using var created = await developer.Browser.SubmitAsync("/portal/apps/new",
        [
            new("OrganizationId", developer.OrganizationId.ToString()),
            new("Form.Name", "Forms Sync"),
            new("Form.LogoUrl", "https://client.example/icon.png"),
            new("Form.RedirectUris", Callback + "\n" + OtherCallback),
            new("Form.ActorModes", "self"),
            new("Form.Profile", "fillout"),
        ]);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var shown = await created.HtmlAsync();
        var clientId = PortalBrowser.TextOf(shown, "client-id")!;
        var secret = PortalBrowser.TextOf(shown, "client-secret")!;
        Assert.False(string.IsNullOrEmpty(clientId));
        Assert.False(string.IsNullOrEmpty(secret));
        // "it will only be shown once".
        Assert.DoesNotContain(secret, await developer.Browser.GetPageAsync(PortalApps.DetailsUrl(clientId)), StringComparison.Ordinal);
        var app = new FilloutApp((await server.FindAsync(clientId))!, secret);
        Assert.Equal(Latchkey.Profiles.ProfileName.Fillout, app.App.Profile);

        // "Authorization request": a user of another organization, not signed in yet, is sent to /authorize/oauth.
        var org = await server.OrganizationAsync();
        var email = $"{Guid.NewGuid():N}@example.com";
        await server.UserAsync(email, PortalBrowser.Password, org.Id, OrganizationRole.Member);
        var user = new PortalBrowser(server.CreateCookieClient());
        var authorize = AuthorizeUrl(clientId, OtherCallback);
        using var toSignIn = await user.GetAsync(authorize);
        var returnUrl = toSignIn.AssertSignInRedirect();
        AuthorizeKit.AssertSameRequest(authorize, returnUrl);
        using var signedIn = await user.SignInAsync(email, PortalBrowser.Password, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        using var consent = await user.FollowAsync(signedIn);
        var (html, form) = await consent.AssertConsentPageAsync();
        Assert.Contains("Forms Sync", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/authorize/oauth\"", html, StringComparison.Ordinal);
        using var approved = await user.PostAsync(AuthorizePath, form.Answer("approve", org.Id));

        // Back at the redirect URI with "code" and "state" (and RFC 9207's iss, which a Fillout client ignores).
        Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        Assert.Equal(OtherCallback, approved.Target());
        var redirect = approved.ResponseParameters();
        Assert.Equal(["code", "state", "iss"], redirect.Keys);
        Assert.Equal(State, redirect["state"]);
        Assert.Equal(AuthorizeKit.Issuer, redirect["iss"]);

        // "Token creation request": code, client_id, client_secret, redirect_uri in the body.
        var (status, body, response) = await http.ExchangeAsync(tokenRequest(app, redirect["code"], OtherCallback));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal(["access_token", "base_url"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(BaseUrl, body.GetProperty("base_url").GetString());
        var token = body.GetProperty("access_token").GetString()!;
        Assert.Equal(0, await server.WithDbAsync(db => db.Tokens.CountAsync(t => t.AppId == app.App.Id && t.Kind == Latchkey.Tokens.TokenKind.RefreshToken)));

        // "access_token will grant access": Bearer at the resource side, and introspection for the operator's API.
        using (var session = await http.SessionAsync(token))
        {
            Assert.Equal(HttpStatusCode.OK, session.StatusCode);
            var info = await session.JsonAsync();
            Assert.Equal(email, info.GetProperty("user").GetProperty("email").GetString());
            Assert.Equal(clientId, info.GetProperty("app").GetProperty("client_id").GetString());
            Assert.Equal(org.Id, info.GetProperty("organization").GetProperty("id").GetGuid());
        }
        var gateway = await server.ResourceServerAsync();
        Assert.True((await IntrospectAsync(http, gateway, token)).GetProperty("active").GetBoolean());

        // "Invalidate access token".
        var (invalidated, invalidation, invalidateResponse) = await http.ExchangeAsync(InvalidateRequest(token));
        Assert.Equal(HttpStatusCode.OK, invalidated);
        Assert.Equal("""{"success":true}""", invalidation.GetRawText());
        Assert.True(invalidateResponse.Headers.CacheControl?.NoStore);
        using (var after = await http.SessionAsync(token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
            Assert.Contains("error=\"invalid_token\"", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        Assert.False((await IntrospectAsync(http, gateway, token)).GetProperty("active").GetBoolean());
    }

    private static async Task<JsonElement> IntrospectAsync(HttpClient http, (string Id, string Secret) gateway, string token)
    {
        using var response = await http.SendAsync(OAuthClient.Form("/oauth/introspect", [new("token", token)], gateway));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
