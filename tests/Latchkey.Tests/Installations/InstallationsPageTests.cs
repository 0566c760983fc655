using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;

using static Latchkey.Tests.Installations.InstallationsKit;

namespace Latchkey.Tests.Installations;

/// <summary>
/// <c>/portal/installations</c>: an organization's admins and owners see the apps installed in it and uninstall
/// them, which ends every token at once. Members get 403; another organization's installation is 404, and the
/// app's owner organization has no say (DESIGN.md rule 7). Forms carry antiforgery tokens; names are encoded (rule 6).
/// </summary>
public sealed class InstallationsPageTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Theory]
    [InlineData(OrganizationRole.Admin)]
    [InlineData(OrganizationRole.Owner)]
    public async Task AdminOrOwner_SeesTheInstalledApps(OrganizationRole role)
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync("Acme Sync", scopes: ["posts:read", "posts:write"]);
        var browser = await server.MemberBrowserAsync(installed.Target, role);

        var html = await browser.GetPageAsync(AdminPage);

        Assert.Contains(installed.Target.Name, html, StringComparison.Ordinal);
        Assert.Contains("Acme Sync", html, StringComparison.Ordinal);
        Assert.Contains("by " + installed.Owner.Name, html, StringComparison.Ordinal);
        Assert.Contains("On behalf of " + installed.User.Email, html, StringComparison.Ordinal);
        Assert.Contains("<code>posts:read</code>", html, StringComparison.Ordinal);
        Assert.Contains("<code>posts:write</code>", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{UninstallPage(installed.InstallationId)}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(installed.AccessToken, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_Uninstalls_AndEveryTokenFailsAtOnce()
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync("Acme Sync");
        var admin = await server.MemberBrowserAsync(installed.Target, OrganizationRole.Admin);
        var confirm = await admin.GetPageAsync(UninstallPage(installed.InstallationId));
        Assert.Contains("every access and refresh", confirm, StringComparison.Ordinal);
        await installed.AssertStillInstalledAsync();

        using var response = await admin.SubmitAsync(UninstallPage(installed.InstallationId), []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AdminPage + "#notice", response.Headers.Location?.OriginalString);
        await installed.AssertUninstalledAsync();
        var list = await admin.GetPageAsync(AdminPage);
        Assert.Contains($"Uninstalled Acme Sync from {installed.Target.Name}", list, StringComparison.Ordinal);
        Assert.DoesNotContain(UninstallPage(installed.InstallationId), list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uninstall_OfAnUninstalledApp_ChangesNothing_AndSaysSo()
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync("Acme Sync");
        var admin = await server.MemberBrowserAsync(installed.Target, OrganizationRole.Admin);
        using (var first = await admin.SubmitAsync(UninstallPage(installed.InstallationId), []))
        {
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        }
        var revokedAt = (await server.InstallationAsync(installed.InstallationId)).RevokedAt;

        var page = await admin.GetPageAsync(UninstallPage(installed.InstallationId));
        using var again = await admin.SubmitAsync(AdminPage, [], UninstallPage(installed.InstallationId));

        Assert.Contains("This app was uninstalled on", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<form method=\"post\"", page[page.IndexOf("<main", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Contains("was already uninstalled", await admin.GetPageAsync(AdminPage), StringComparison.Ordinal);
        Assert.Equal(revokedAt, (await server.InstallationAsync(installed.InstallationId)).RevokedAt);
    }

    [Fact]
    public async Task Member_Gets403_AndChangesNothing()
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync();
        var member = await server.MemberBrowserAsync(installed.Target, OrganizationRole.Member);

        using var list = await member.GetAsync(AdminPage);
        using var confirm = await member.GetAsync(UninstallPage(installed.InstallationId));
        // A valid antiforgery token from a page the member may open: only the role stands in the way.
        using var post = await member.SubmitAsync(UserPage, [], UninstallPage(installed.InstallationId));

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, confirm.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        await installed.AssertStillInstalledAsync();
    }

    [Fact]
    public async Task AdminOfOneOrganization_MemberOfAnother_SeesAndUninstallsOnlyWhereAdmin()
    {
        var server = await servers.ForAsync();
        var administered = await server.InstallAsync("Administered App");
        var memberOnly = await server.InstallAsync("Member Only App");
        var admin = await server.MemberBrowserAsync(administered.Target, OrganizationRole.Admin);
        await server.WithDbAsync(async db =>
        {
            db.Memberships.Add(new Membership
            {
                OrganizationId = memberOnly.Target.Id,
                UserId = db.Memberships.Single(m => m.OrganizationId == administered.Target.Id && m.Role == OrganizationRole.Admin).UserId,
                Role = OrganizationRole.Member,
            });
            return await db.SaveChangesAsync();
        });

        var html = await admin.GetPageAsync(AdminPage);
        using var post = await admin.SubmitAsync(AdminPage, [], UninstallPage(memberOnly.InstallationId));

        Assert.Contains("Administered App", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Member Only App", html, StringComparison.Ordinal);
        Assert.DoesNotContain(memberOnly.Target.Name, html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        await memberOnly.AssertStillInstalledAsync();
    }

    [Fact]
    public async Task AdminOfAnotherOrganization_Gets404_AndChangesNothing()
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync("Acme Sync");
        var stranger = await server.MemberBrowserAsync(await server.OrganizationAsync(), OrganizationRole.Owner);

        var list = await stranger.GetPageAsync(AdminPage);
        using var confirm = await stranger.GetAsync(UninstallPage(installed.InstallationId));
        using var post = await stranger.SubmitAsync(AdminPage, [], UninstallPage(installed.InstallationId));

        Assert.DoesNotContain("Acme Sync", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, confirm.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        await installed.AssertStillInstalledAsync();
    }

    /// <summary>The target organization decides: the app's own organization does not see or end its installations elsewhere.</summary>
    [Fact]
    public async Task AppOwnersAdmin_Gets404_ForTheInstallationElsewhere()
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync("Acme Sync");
        var ownerAdmin = await server.MemberBrowserAsync(installed.Owner, OrganizationRole.Owner);

        var list = await ownerAdmin.GetPageAsync(AdminPage);
        using var post = await ownerAdmin.SubmitAsync(AdminPage, [], UninstallPage(installed.InstallationId));

        Assert.Contains("No apps are installed.", list, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        await installed.AssertStillInstalledAsync();
    }

    [Fact]
    public async Task Uninstall_WithoutAntiforgeryToken_Is400_AndChangesNothing()
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync();
        var admin = await server.MemberBrowserAsync(installed.Target, OrganizationRole.Admin);
        await admin.GetPageAsync(UninstallPage(installed.InstallationId));

        using var response = await admin.PostAsync(UninstallPage(installed.InstallationId), []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await installed.AssertStillInstalledAsync();
    }

    [Fact]
    public async Task AppAndOrganizationNames_AreEncoded()
    {
        const string Script = "<script>alert(1)</script>";
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync(Script, ownerName: "<b>Owner</b> " + Guid.NewGuid().ToString("N")[..6]);
        var admin = await server.MemberBrowserAsync(installed.Target, OrganizationRole.Admin);

        foreach (var url in new[] { AdminPage, UninstallPage(installed.InstallationId) })
        {
            var html = await admin.GetPageAsync(url);
            Assert.DoesNotContain(Script, html, StringComparison.Ordinal);
            Assert.DoesNotContain("<b>Owner</b>", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
            Assert.Contains("&lt;b&gt;Owner&lt;/b&gt;", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AppActorInstall_IsDescribedAsTheAppItself()
    {
        var server = await servers.ForAsync();
        var (app, secret, owner) = await server.OwnedAppAsync("Bot App");
        var id = await server.ClientCredentialsInstallAsync(app, secret);
        var admin = await server.MemberBrowserAsync(owner, OrganizationRole.Admin);

        var html = await admin.GetPageAsync(AdminPage);

        Assert.Contains("As the app itself", html, StringComparison.Ordinal);
        Assert.Contains("by the app itself (client credentials)", html, StringComparison.Ordinal);
        Assert.Contains(UninstallPage(id), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedOut_IsSentToSignIn()
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync();
        var anonymous = new PortalBrowser(server.CreateCookieClient());

        using var list = await anonymous.GetAsync(AdminPage);
        using var confirm = await anonymous.GetAsync(UninstallPage(installed.InstallationId));

        Assert.Equal(HttpStatusCode.Redirect, list.StatusCode);
        Assert.Equal("/account/login", list.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, confirm.StatusCode);
        await installed.AssertStillInstalledAsync();
    }

    [Fact]
    public async Task Layout_LinksToInstalledAppsAndAuthorizations()
    {
        var server = await servers.ForAsync();
        var browser = await server.MemberBrowserAsync(await server.OrganizationAsync(), OrganizationRole.Member);

        var html = await browser.GetPageAsync("/portal");

        Assert.Contains($"href=\"{AdminPage}\"", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{UserPage}\"", html, StringComparison.Ordinal);
    }
}
