using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Microsoft.EntityFrameworkCore;
using static Latchkey.Tests.Protocol.AuthorizeKit;

namespace Latchkey.Tests.Protocol;

/// <summary>
/// The consent screen and its answer (RFC 6749 §4.1.1–4.1.2.1, DESIGN.md rules 5, 6, 8): approve, deny,
/// re-validation of everything the form carries, organization eligibility, the role cap on scopes,
/// remembered consent, and the prompt values.
/// </summary>
public sealed class ConsentTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private LatchkeyTestServer Server => shared.Server;

    private async Task<(App App, string Secret)> AppAsync(Func<AppDraft, AppDraft>? change = null)
    {
        var (app, secret) = await Server.OAuthAppAsync((await Server.OrganizationAsync()).Id, change);
        return (app, secret!);
    }

    private static async Task<(string Html, ConsentForm Form)> ConsentPageAsync(Person person, App app, params (string, string)[] extra)
    {
        using var response = await person.Browser.GetAsync(UrlFor(app, Challenge, extra));
        return await response.AssertConsentPageAsync();
    }

    /// <summary>Approves on the consent screen and returns the code from the redirect.</summary>
    private static async Task<string> ApproveAsync(Person person, App app, params (string, string)[] extra)
    {
        var (_, form) = await ConsentPageAsync(person, app, extra);
        using var approved = await person.Browser.PostAsync(AuthorizePath, form.Answer("approve", person.OrganizationId));
        Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        return approved.ResponseParameters()["code"];
    }

    private async Task<string> GrantedScopeAsync(App app, string secret, string code)
    {
        var (status, body) = await Server.RedeemAsync(app, secret, code, Verifier);
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("scope").GetString()!;
    }

    [Fact]
    public async Task Deny_RedirectsAccessDenied_WithStateAndIss_AndInstallsNothing()
    {
        var owner = await Server.PersonAsync();
        var (app, _) = await AppAsync();
        var (_, form) = await ConsentPageAsync(owner, app);

        using var denied = await owner.Browser.PostAsync(AuthorizePath, form.Answer("deny", null));

        Assert.Equal("xyz", denied.AssertRedirectedError("access_denied")["state"]);
        Assert.Equal(0, await Server.InstallationCountAsync(app.Id));
        Assert.Equal(0, await Server.CodeCountAsync(app.Id));
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_Is400_AndCreatesNothing()
    {
        var owner = await Server.PersonAsync();
        var (app, _) = await AppAsync();
        var (_, form) = await ConsentPageAsync(owner, app);

        using var response = await owner.Browser.PostAsync(AuthorizePath,
            form.Answer("approve", owner.OrganizationId).Where(f => f.Key != PortalBrowser.TokenField));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal(0, await Server.InstallationCountAsync(app.Id));
        Assert.Equal(0, await Server.CodeCountAsync(app.Id));
    }

    [Fact]
    public async Task Post_FromAnotherUsersSession_Is400()
    {
        var owner = await Server.PersonAsync();
        var other = await Server.PersonAsync(organizationId: owner.OrganizationId);
        var (app, _) = await AppAsync();
        var (_, form) = await ConsentPageAsync(owner, app);

        using var response = await other.Browser.PostAsync(AuthorizePath, form.Answer("approve", owner.OrganizationId));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await Server.InstallationCountAsync(app.Id));
    }

    [Fact]
    public async Task Post_TamperedScope_IsRefusedByRevalidation()
    {
        var owner = await Server.PersonAsync();
        var (app, _) = await AppAsync(d => d with { Scopes = ["posts:read"] });
        var (_, form) = await ConsentPageAsync(owner, app);
        var tampered = form with { Hidden = [.. form.Hidden.Where(f => f.Key != "scope"), new("scope", "posts:read posts:write")] };

        using var response = await owner.Browser.PostAsync(AuthorizePath, tampered.Answer("approve", owner.OrganizationId));

        response.AssertRedirectedError("invalid_scope");
        Assert.Equal(0, await Server.InstallationCountAsync(app.Id));
        Assert.Equal(0, await Server.CodeCountAsync(app.Id));
    }

    [Theory]
    [InlineData("https://evil.example/callback")]
    [InlineData("https://client.example/callback#x")]
    public async Task Post_TamperedRedirectUri_ShowsTheErrorPage_NeverRedirects(string redirectUri)
    {
        var owner = await Server.PersonAsync();
        var (app, _) = await AppAsync();
        var (_, form) = await ConsentPageAsync(owner, app);
        var tampered = form with { Hidden = [.. form.Hidden.Where(f => f.Key != "redirect_uri"), new("redirect_uri", redirectUri)] };

        using var response = await owner.Browser.PostAsync(AuthorizePath, tampered.Answer("approve", owner.OrganizationId));

        await response.AssertErrorPageAsync();
        Assert.Equal(0, await Server.InstallationCountAsync(app.Id));
    }

    [Fact]
    public async Task Post_DuplicatedHiddenField_IsRefused()
    {
        var owner = await Server.PersonAsync();
        var (app, _) = await AppAsync();
        var (_, form) = await ConsentPageAsync(owner, app);
        var tampered = form with { Hidden = [.. form.Hidden, new("code_challenge", Challenge)] };

        using var response = await owner.Browser.PostAsync(AuthorizePath, tampered.Answer("approve", owner.OrganizationId));

        response.AssertRedirectedError("invalid_request");
        Assert.Equal(0, await Server.InstallationCountAsync(app.Id));
    }

    [Fact]
    public async Task Post_OrganizationTheUserDoesNotBelongTo_IsAccessDenied()
    {
        var owner = await Server.PersonAsync();
        var stranger = await Server.OrganizationAsync();
        var (app, _) = await AppAsync();
        var (_, form) = await ConsentPageAsync(owner, app);

        using var response = await owner.Browser.PostAsync(AuthorizePath, form.Answer("approve", stranger.Id));

        response.AssertRedirectedError("access_denied");
        Assert.Equal(0, await Server.InstallationCountAsync(app.Id));
    }

    [Fact]
    public async Task ActorApp_OnlyOffersOrganizationsTheUserAdministers_AndRefusesTheOthers()
    {
        var owner = await Server.PersonAsync(OrganizationRole.Owner);
        var memberOnly = await Server.OrganizationAsync();
        await Server.AddMembershipAsync(owner.UserId, memberOnly.Id, OrganizationRole.Member);
        var (app, _) = await AppAsync();
        var (html, form) = await ConsentPageAsync(owner, app, ("actor", "app"));
        Assert.Equal([owner.OrganizationId], form.Organizations);
        Assert.Contains("act as itself, a bot", html, StringComparison.Ordinal);

        using var response = await owner.Browser.PostAsync(AuthorizePath, form.Answer("approve", memberOnly.Id));

        response.AssertRedirectedError("access_denied");
        Assert.Equal(0, await Server.InstallationCountAsync(app.Id));
    }

    [Fact]
    public async Task ActorApp_UserAdministersNoOrganization_IsAccessDeniedWithAReason()
    {
        var member = await Server.PersonAsync(OrganizationRole.Member);
        var (app, _) = await AppAsync();

        using var response = await member.Browser.GetAsync(UrlFor(app, Challenge, ("actor", "app")));

        Assert.Contains("admin", response.AssertRedirectedError("access_denied")["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ActorApp_ApprovedByAnAdmin_InstallsTheBotWithEveryRequestedScope()
    {
        var admin = await Server.PersonAsync(OrganizationRole.Admin);
        var (app, secret) = await AppAsync();

        var code = await ApproveAsync(admin, app, ("actor", "app"));

        Assert.Equal("posts:read posts:write comments:read", await GrantedScopeAsync(app, secret, code));
        var installation = await Server.WithDbAsync(db => db.Installations.SingleAsync(i => i.AppId == app.Id));
        Assert.Equal((ActorMode.App, (Guid?)null, (Guid?)admin.UserId), (installation.ActorMode, installation.UserId, installation.InstalledByUserId));
    }

    [Fact]
    public async Task ActorSelf_ByAMember_DropsTheWriteScopes()
    {
        var member = await Server.PersonAsync(OrganizationRole.Member);
        var (app, secret) = await AppAsync();
        var (html, _) = await ConsentPageAsync(member, app, ("scope", "posts:read posts:write"));
        Assert.Contains("read scopes only", html, StringComparison.Ordinal);

        var code = await ApproveAsync(member, app, ("scope", "posts:read posts:write"));

        Assert.Equal("posts:read", await GrantedScopeAsync(app, secret, code));
        var installation = await Server.WithDbAsync(db => db.Installations.SingleAsync(i => i.AppId == app.Id));
        Assert.Equal((ActorMode.Self, (Guid?)member.UserId), (installation.ActorMode, installation.UserId));
        Assert.Equal(["posts:read"], installation.GrantedScopes);
    }

    [Fact]
    public async Task ActorSelf_ByAMember_AskingOnlyForWriteScopes_IsAccessDenied()
    {
        var member = await Server.PersonAsync(OrganizationRole.Member);
        var (app, _) = await AppAsync();
        var (_, form) = await ConsentPageAsync(member, app, ("scope", "posts:write"));

        using var response = await member.Browser.PostAsync(AuthorizePath, form.Answer("approve", member.OrganizationId));

        response.AssertRedirectedError("access_denied");
        Assert.Equal(0, await Server.InstallationCountAsync(app.Id));
    }

    [Fact]
    public async Task RememberedConsent_SkipsTheScreen_ButPromptConsentShowsItAgain()
    {
        var owner = await Server.PersonAsync();
        var (app, secret) = await AppAsync();
        await ApproveAsync(owner, app, ("scope", "posts:read posts:write"));

        using var again = await owner.Browser.GetAsync(UrlFor(app, Challenge, ("scope", "posts:read")));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(Callback, again.Target());
        var response = again.ResponseParameters();
        Assert.Equal(("xyz", Issuer), (response["state"], response["iss"]));
        Assert.Equal("posts:read", await GrantedScopeAsync(app, secret, response["code"]));

        using var forced = await owner.Browser.GetAsync(UrlFor(app, Challenge, ("scope", "posts:read"), ("prompt", "consent")));
        await forced.AssertConsentPageAsync();
    }

    [Fact]
    public async Task RememberedConsent_DoesNotCoverWiderScopesOrTheOtherActor()
    {
        var owner = await Server.PersonAsync();
        var (app, _) = await AppAsync();
        await ApproveAsync(owner, app, ("scope", "posts:read"));

        using var wider = await owner.Browser.GetAsync(UrlFor(app, Challenge, ("scope", "posts:read posts:write")));
        await wider.AssertConsentPageAsync();
        using var bot = await owner.Browser.GetAsync(UrlFor(app, Challenge, ("scope", "posts:read"), ("actor", "app")));
        await bot.AssertConsentPageAsync();
    }

    [Fact]
    public async Task RememberedConsent_IsPerUser_ForActorSelf()
    {
        var owner = await Server.PersonAsync();
        var colleague = await Server.PersonAsync(organizationId: owner.OrganizationId);
        var (app, _) = await AppAsync();
        await ApproveAsync(owner, app);

        using var response = await colleague.Browser.GetAsync(UrlFor(app, Challenge));

        await response.AssertConsentPageAsync();
    }

    [Fact]
    public async Task RememberedConsent_InTwoOrganizations_ShowsTheScreenToChoose()
    {
        var owner = await Server.PersonAsync();
        var second = await Server.OrganizationAsync();
        await Server.AddMembershipAsync(owner.UserId, second.Id, OrganizationRole.Owner);
        var (app, _) = await AppAsync();
        var (_, form) = await ConsentPageAsync(owner, app);
        Assert.Equal(2, form.Organizations.Count);
        foreach (var organization in form.Organizations)
        {
            var (_, each) = await ConsentPageAsync(owner, app, ("prompt", "consent"));
            using var approved = await owner.Browser.PostAsync(AuthorizePath, each.Answer("approve", organization));
            Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        }

        using var response = await owner.Browser.GetAsync(UrlFor(app, Challenge));

        await response.AssertConsentPageAsync();
        Assert.Equal(2, await Server.InstallationCountAsync(app.Id));
    }

    [Fact]
    public async Task PromptNone_SignedIn_WithoutConsent_IsConsentRequired_AndWithConsent_IssuesTheCode()
    {
        var owner = await Server.PersonAsync();
        var (app, _) = await AppAsync();

        using var first = await owner.Browser.GetAsync(UrlFor(app, Challenge, ("prompt", "none")));
        first.AssertRedirectedError("consent_required");
        await ApproveAsync(owner, app);
        using var second = await owner.Browser.GetAsync(UrlFor(app, Challenge, ("prompt", "none")));

        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Contains("code", second.ResponseParameters().Keys);
    }

    [Fact]
    public async Task PromptLogin_WhenSignedIn_ForcesSignIn_ThenProceedsWithoutALoop()
    {
        var owner = await Server.PersonAsync();
        var (app, _) = await AppAsync();
        await ApproveAsync(owner, app);

        using var toLogin = await owner.Browser.GetAsync(UrlFor(app, Challenge, ("prompt", "login")));
        var returnUrl = toLogin.AssertSignInRedirect();
        using var signedIn = await owner.Browser.SignInAsync(owner.Email, PortalBrowser.Password, returnUrl);
        using var afterSignIn = await owner.Browser.FollowAsync(signedIn);

        Assert.Equal(HttpStatusCode.Redirect, afterSignIn.StatusCode);
        Assert.Equal(Callback, afterSignIn.Target());
        Assert.Contains("code", afterSignIn.ResponseParameters().Keys);
    }

    [Fact]
    public async Task ConsentPage_ShowsTheAppItsOwnerActorAndScopes()
    {
        var owner = await Server.PersonAsync();
        var publisher = await Server.OrganizationAsync("Publisher " + Guid.NewGuid().ToString("N")[..6]);
        var (app, _) = await Server.OAuthAppAsync(publisher.Id);

        var (html, _) = await ConsentPageAsync(owner, app, ("scope", "posts:read comments:read"));

        Assert.Contains("<h1 id=\"app-name\">Roadmap Sync</h1>", html, StringComparison.Ordinal);
        Assert.Contains(publisher.Name, html, StringComparison.Ordinal);
        Assert.Contains("<img class=\"logo large\" src=\"https://sync.example/logo.png\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://sync.example\"", html, StringComparison.Ordinal);
        Assert.Contains("act as you", html, StringComparison.Ordinal);
        Assert.Contains("<code>posts:read</code> Read feature requests / feedback posts", html, StringComparison.Ordinal);
        Assert.Contains("<code>comments:read</code> Read comments", html, StringComparison.Ordinal);
        Assert.DoesNotContain("posts:write", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsentPage_EncodesTheAppName_ShowsNoHttpLogo_AndRefusesFraming()
    {
        var owner = await Server.PersonAsync();
        var (app, _) = await AppAsync(d => d with
        {
            Name = "<script>alert(1)</script>",
            Description = "\"><img src=x onerror=alert(2)>",
            LogoUrl = "http://127.0.0.1/logo.png",
        });

        using var response = await owner.Browser.GetAsync(UrlFor(app, Challenge));
        var (html, _) = await response.AssertConsentPageAsync();

        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://127.0.0.1/logo.png", html, StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task ConsentPage_EncodesTheStateInItsHiddenFields_AndReturnsItUnchanged()
    {
        const string state = "\"><script>alert(3)</script> & ü";
        var owner = await Server.PersonAsync();
        var (app, _) = await AppAsync();

        var (html, form) = await ConsentPageAsync(owner, app, ("state", state));
        Assert.DoesNotContain("<script>alert(3)", html, StringComparison.Ordinal);
        Assert.Equal(state, form.Hidden.Single(f => f.Key == "state").Value);
        using var approved = await owner.Browser.PostAsync(AuthorizePath, form.Answer("approve", owner.OrganizationId));

        Assert.Equal(state, approved.ResponseParameters()["state"]);
    }
}
