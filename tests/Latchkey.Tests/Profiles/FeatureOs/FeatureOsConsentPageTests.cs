using Latchkey.Apps;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Protocol;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Tests.Profiles.FeatureOs;

/// <summary>
/// FACTS.md "FeatureOS": "A browser consent page is the same flow rendered as HTML." A FeatureOS app's request,
/// as FeatureOS documents it (no response_type), works through the HTML page; and a standard RFC 6749 client
/// (response_type=code, PKCE, HTTP Basic at the token endpoint) works against a FeatureOS app unchanged.
/// </summary>
public sealed class FeatureOsConsentPageTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private LatchkeyTestServer Server => shared.Server;

    private async Task<(App App, string Secret)> AppAsync()
    {
        var created = await Server.AppAsync((await Server.OrganizationAsync()).Id, new AppDraft
        {
            Name = "My Integration",
            RedirectUris = [FeatureOsKit.Callback],
            Scopes = ["posts:read", "posts:write"],
            ActorModes = [ActorMode.Self, ActorMode.App],
            Profile = Latchkey.Profiles.ProfileName.FeatureOs,
        });
        return (created.App, created.Secret!.Plaintext);
    }

    private static string FeatureOsUrl(App app) => QueryHelpers.AddQueryString(AuthorizeKit.AuthorizePath, new Dictionary<string, string?>
    {
        ["client_id"] = app.ClientId,
        ["redirect_uri"] = FeatureOsKit.Callback,
        ["scope"] = "posts:read posts:write",
        ["actor"] = "self",
        ["state"] = "xyz",
    });

    [Fact]
    public async Task HtmlConsent_FeatureOsRequest_Approve_RedirectsWithAFooCodeAndState()
    {
        var (app, secret) = await AppAsync();
        var person = await Server.PersonAsync();
        using var page = await person.Browser.GetAsync(FeatureOsUrl(app));
        var (html, form) = await page.AssertConsentPageAsync();
        Assert.Contains("<code>posts:write</code> Create, update, delete, assign posts", html, StringComparison.Ordinal);

        using var approved = await person.Browser.PostAsync(AuthorizeKit.AuthorizePath, form.Answer("approve", person.OrganizationId));

        Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        Assert.Equal(FeatureOsKit.Callback, approved.Target());
        var response = approved.ResponseParameters();
        Assert.StartsWith("fooc_", response["code"], StringComparison.Ordinal);
        Assert.Equal(("xyz", FeatureOsKit.Issuer), (response["state"], response["iss"]));
        var (access, refresh) = await Server.TokensAsync(app.ClientId, secret, response["code"]);
        Assert.StartsWith("foot_", access, StringComparison.Ordinal);
        Assert.StartsWith("foor_", refresh, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HtmlConsent_FeatureOsRequest_Deny_RedirectsAccessDenied_AndInstallsNothing()
    {
        var (app, _) = await AppAsync();
        var person = await Server.PersonAsync();
        using var page = await person.Browser.GetAsync(FeatureOsUrl(app));
        var (_, form) = await page.AssertConsentPageAsync();

        using var denied = await person.Browser.PostAsync(AuthorizeKit.AuthorizePath, form.Answer("deny", null));

        Assert.Equal("xyz", denied.AssertRedirectedError("access_denied", FeatureOsKit.Callback)["state"]);
        Assert.Equal(new AppState(0, 0, 0, 0, 0, 0), await Server.StateAsync(app.ClientId));
    }

    [Fact]
    public async Task HtmlConsent_SignedOutBrowser_IsSentToTheLoginPage_AndBackToTheSameRequest()
    {
        var (app, _) = await AppAsync();

        using var response = await Server.CreateClient().GetAsync(FeatureOsUrl(app), FeatureOsKit.Ct);

        AuthorizeKit.AssertSameRequest(FeatureOsUrl(app), response.AssertSignInRedirect());
    }

    [Fact]
    public async Task StandardRfcClient_CodeWithPkceAndBasicAuth_WorksForAFeatureOsApp()
    {
        var (app, secret) = await AppAsync();
        var person = await Server.PersonAsync();
        var (verifier, challenge) = AuthorizeKit.NewPkce();
        var url = QueryHelpers.AddQueryString(AuthorizeKit.AuthorizePath, new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = app.ClientId,
            ["redirect_uri"] = FeatureOsKit.Callback,
            ["scope"] = "posts:read",
            ["state"] = "rfc",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });
        using var page = await person.Browser.GetAsync(url);
        var (_, form) = await page.AssertConsentPageAsync();
        using var approved = await person.Browser.PostAsync(AuthorizeKit.AuthorizePath, form.Answer("approve", person.OrganizationId));
        var code = approved.ResponseParameters()["code"];

        var (status, body) = await Server.RedeemAsync(app, secret, code, verifier, FeatureOsKit.Callback);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("foot_", body.GetProperty("access_token").GetString(), StringComparison.Ordinal);
        Assert.Equal("posts:read", body.GetProperty("scope").GetString());
        Assert.Equal(86400, body.GetProperty("expires_in").GetInt64());
    }
}
