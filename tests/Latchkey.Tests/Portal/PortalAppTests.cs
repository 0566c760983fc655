using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Portal;

/// <summary>Registering, listing, editing and deleting apps in the developer portal as an organization's admin or owner.</summary>
public sealed class PortalAppTests
{
    [Theory]
    [InlineData(OrganizationRole.Owner)]
    [InlineData(OrganizationRole.Admin)]
    public async Task Create_ValidForm_StoresTheAppAsTyped(OrganizationRole role)
    {
        var (server, org, browser) = await PortalApps.StartAsync(role);
        await using var _ = server;

        using var response = await browser.SubmitAsync("/portal/apps/new", PortalApps.NewAppFields(org.Id, "Post Sync"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var clientId = PortalBrowser.TextOf(await response.HtmlAsync(), "client-id");
        var app = await server.FindAsync(clientId!);
        Assert.NotNull(app);
        Assert.Equal(org.Id, app.OrganizationId);
        Assert.Equal("Post Sync", app.Name);
        Assert.Equal("Syncs posts.", app.Description);
        Assert.Equal([PortalApps.RedirectUri, "http://127.0.0.1/callback"], app.RedirectUris);
        Assert.Equal(["posts:read", "posts:write"], app.AllowedScopes);
        Assert.Equal([ActorMode.Self], app.AllowedActorModes);
        Assert.Equal("https://client.example/hooks", app.WebhookUrl);
        Assert.Equal(["app.installed", "app.uninstalled"], app.WebhookEvents);
        Assert.False(app.IsPublic);
    }

    [Fact]
    public async Task Create_PublicFubApp_HasNoSecretAndTheChosenProfile()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var fields = PortalApps.NewAppFields(org.Id, "Mobile", KeyValuePair.Create("Form.IsPublic", "true"))
            .Where(f => f.Key is not "Form.RedirectUris" and not "Form.Profile" and not "Form.Scopes")
            .Append(new("Form.RedirectUris", PortalApps.RedirectUri))
            .Append(new("Form.Scopes", "api")) // FUB's catalogue, not the deployment's
            .Append(new("Form.Profile", "fub"));

        using var response = await browser.SubmitAsync("/portal/apps/new", fields);

        var html = await response.HtmlAsync();
        Assert.Null(PortalBrowser.TextOf(html, "client-secret"));
        var app = await server.FindAsync(PortalBrowser.TextOf(html, "client-id")!);
        Assert.True(app!.IsPublic);
        Assert.Equal(Latchkey.Profiles.ProfileName.Fub, app.Profile);
        Assert.Equal(["api"], app.AllowedScopes);
        Assert.Empty(app.Secrets);
    }

    [Theory]
    [InlineData("Form.Name", "", "An app needs a name.")]
    [InlineData("Form.RedirectUris", "https://client.example/cb#frag", "forbids one")]
    [InlineData("Form.RedirectUris", "", "Register at least one redirect URI.")]
    [InlineData("Form.LogoUrl", "http://client.example/logo.png", "must be an absolute https URL")]
    [InlineData("Form.Scopes", "nuclear:launch", "is not a scope of this server")]
    [InlineData("Form.WebhookEvents", "bad event!", "is not an event name")]
    [InlineData("Form.Profile", "soap", "Choose one of")]
    public async Task Create_InvalidField_ShowsTheReasonAndCreatesNothing(string field, string value, string reason)
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var fields = PortalApps.NewAppFields(org.Id, "Broken").Where(f => f.Key != field).Append(new(field, value));

        using var response = await browser.SubmitAsync("/portal/apps/new", fields);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.HtmlAsync();
        Assert.Contains("class=\"field-error\"", html, StringComparison.Ordinal);
        Assert.Contains(reason, html, StringComparison.Ordinal);
        Assert.Equal(0, await server.AppCountAsync());
    }

    [Fact]
    public async Task Create_NoActorModeTicked_IsRefused()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var fields = PortalApps.NewAppFields(org.Id, "Nobody").Where(f => f.Key != "Form.ActorModes");

        using var response = await browser.SubmitAsync("/portal/apps/new", fields);

        Assert.Contains("Allow at least one actor mode", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await server.AppCountAsync());
    }

    [Fact]
    public async Task Create_WithoutAntiforgeryToken_Is400AndCreatesNothing()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        await browser.GetPageAsync("/portal/apps/new");

        using var response = await browser.PostAsync("/portal/apps/new", PortalApps.NewAppFields(org.Id, "Forged"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await server.AppCountAsync());
    }

    [Fact]
    public async Task Create_WithAnotherUsersToken_Is400()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var other = await PortalBrowser.SignedInAsync(server, org.Id, OrganizationRole.Owner);
        var othersToken = PortalBrowser.AntiforgeryToken(await other.GetPageAsync("/portal/apps/new"));

        using var response = await browser.PostAsync("/portal/apps/new",
            [.. PortalApps.NewAppFields(org.Id, "Forged"), new(PortalBrowser.TokenField, othersToken)]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await server.AppCountAsync());
    }

    [Fact]
    public async Task List_ShowsAppsOfEveryOrganizationOfTheUser_GroupedByOrganization()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var first = await server.OrganizationAsync("First Org");
        var second = await server.OrganizationAsync("Second Org");
        var stranger = await server.OrganizationAsync("Stranger Org");
        var browser = await PortalBrowser.SignedInAsync(server, first.Id, OrganizationRole.Admin);
        await server.WithDbAsync(async db =>
        {
            db.Memberships.Add(new Membership { OrganizationId = second.Id, UserId = db.Users.Single().Id, Role = OrganizationRole.Member });
            return await db.SaveChangesAsync();
        });
        var firstApp = await server.AppAsync(first.Id, Draft("First App"));
        var secondApp = await server.AppAsync(second.Id, Draft("Second App"));
        var strangerApp = await server.AppAsync(stranger.Id, Draft("Stranger App"));

        var html = await browser.GetPageAsync("/portal");

        Assert.True(html.IndexOf("First Org", StringComparison.Ordinal) < html.IndexOf("First App", StringComparison.Ordinal));
        Assert.True(html.IndexOf("First App", StringComparison.Ordinal) < html.IndexOf("Second Org", StringComparison.Ordinal));
        Assert.True(html.IndexOf("Second Org", StringComparison.Ordinal) < html.IndexOf("Second App", StringComparison.Ordinal));
        Assert.Contains(firstApp.App.ClientId, html, StringComparison.Ordinal);
        Assert.Contains(secondApp.App.ClientId, html, StringComparison.Ordinal);
        Assert.DoesNotContain("Stranger", html, StringComparison.Ordinal);
        Assert.DoesNotContain(strangerApp.App.ClientId, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_EncodeWhatDevelopersTyped()
    {
        const string Script = "<script>alert(1)</script>";
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id, Draft(Script) with { Description = "<img src=x onerror=alert(2)>" });

        using var response = await browser.SubmitAsync("/portal/apps/new", PortalApps.NewAppFields(org.Id, Script));
        var createdPage = await response.HtmlAsync();
        var list = await browser.GetPageAsync("/portal");
        var details = await browser.GetPageAsync(PortalApps.DetailsUrl(created.App.ClientId));

        foreach (var html in new[] { createdPage, list, details })
        {
            Assert.DoesNotContain(Script, html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("https://cdn.example/logo.png", true)]
    [InlineData("http://127.0.0.1/logo.png", false)]
    public async Task List_ShowsTheLogoOnlyOverHttps(string logoUrl, bool shown)
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        await server.AppAsync(org.Id, Draft("Logo App") with { LogoUrl = logoUrl });

        var html = await browser.GetPageAsync("/portal");

        Assert.Equal(shown, html.Contains($"src=\"{logoUrl}\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Edit_ValidForm_SavesAndRedirectsBack()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id);
        var url = PortalApps.DetailsUrl(created.App.ClientId);

        using var response = await browser.SubmitAsync(url, PortalApps.EditFields("Renamed", "https://new.example/cb"), url + "?handler=Save");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(url + "#notice", response.Headers.Location?.OriginalString);
        var app = await server.FindAsync(created.App.ClientId);
        Assert.Equal("Renamed", app!.Name);
        Assert.Equal(["https://new.example/cb"], app.RedirectUris);
        Assert.Equal(["posts:read"], app.AllowedScopes);
        Assert.Equal([ActorMode.Self, ActorMode.App], app.AllowedActorModes);
        Assert.Contains("Changes saved.", await browser.GetPageAsync(url), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_InvalidRedirectUri_ShowsTheReasonAndChangesNothing()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id);
        var url = PortalApps.DetailsUrl(created.App.ClientId);

        using var response = await browser.SubmitAsync(url, PortalApps.EditFields("Renamed", "http://public.example/cb"), url + "?handler=Save");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("class=\"field-error\"", await response.HtmlAsync(), StringComparison.Ordinal);
        var app = await server.FindAsync(created.App.ClientId);
        Assert.Equal("Test App", app!.Name);
        Assert.Equal(["https://client.example/callback"], app.RedirectUris);
    }

    [Fact]
    public async Task Edit_CannotChangeProfileOrClientType()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id);
        var url = PortalApps.DetailsUrl(created.App.ClientId);

        using var response = await browser.SubmitAsync(url,
            [.. PortalApps.EditFields("Renamed", PortalApps.RedirectUri), new("Form.IsPublic", "true"), new("Form.Profile", "fub")], url + "?handler=Save");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var app = await server.FindAsync(created.App.ClientId);
        Assert.False(app!.IsPublic);
        Assert.Equal(created.App.Profile, app.Profile);
    }

    [Fact]
    public async Task Delete_Confirmed_RemovesTheApp()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id);
        var url = PortalApps.DetailsUrl(created.App.ClientId);

        using var response = await browser.SubmitAsync(url, [new("confirm", "true")], url + "?handler=Delete");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/portal", response.Headers.Location?.OriginalString);
        Assert.Null(await server.FindAsync(created.App.ClientId));
        Assert.Contains("Deleted Test App.", await browser.GetPageAsync("/portal"), StringComparison.Ordinal);
        using var gone = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Delete_Unconfirmed_KeepsTheApp()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id);
        var url = PortalApps.DetailsUrl(created.App.ClientId);

        using var response = await browser.SubmitAsync(url, [], url + "?handler=Delete");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Tick the box to confirm", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.NotNull(await server.FindAsync(created.App.ClientId));
    }

    [Fact]
    public async Task Delete_WithoutAntiforgeryToken_Is400AndKeepsTheApp()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id);
        var url = PortalApps.DetailsUrl(created.App.ClientId);

        using var response = await browser.PostAsync(url + "?handler=Delete", [new("confirm", "true")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(await server.FindAsync(created.App.ClientId));
    }

    private static AppDraft Draft(string name) => new() { Name = name, RedirectUris = [PortalApps.RedirectUri] };
}
