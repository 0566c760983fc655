using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;

using static Latchkey.Tests.Installations.InstallationsKit;

namespace Latchkey.Tests.Installations;

/// <summary>
/// <c>/account/authorizations</c>: the apps a signed-in user lets act on their behalf (actor <c>self</c>), in every
/// organization, and revoking them, which ends their tokens at once. Nobody sees or revokes anyone else's.
/// </summary>
public sealed class AuthorizationsPageTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private static string RevokeAction => UserPage + "?handler=Revoke";

    private static KeyValuePair<string, string>[] RevokeFields(Guid installationId) => [new("installationId", installationId.ToString())];

    [Fact]
    public async Task User_SeesTheirOwnSelfAuthorizations_InEveryOrganization_AndNoOneElses()
    {
        var server = await servers.ForAsync();
        var mine = await server.InstallAsync("Mine In First");
        var second = await server.OrganizationAsync();
        var alsoMine = await server.InstallAsync("Mine In Second", target: second, user: mine.User);
        var someoneElse = await server.InstallAsync("Someone Elses", target: mine.Target);
        // An app acting as its own bot, though this user consented to it: the organization's, not the user's.
        var (bot, _, _) = await server.OwnedAppAsync("Bot In First");
        await server.CodeAsync(bot, mine.Target.Id, mine.User.Id, Callback, actorMode: ActorMode.App);
        var browser = await server.BrowserForAsync(mine.User);

        var html = await browser.GetPageAsync(UserPage);

        Assert.Contains("Mine In First", html, StringComparison.Ordinal);
        Assert.Contains("Mine In Second", html, StringComparison.Ordinal);
        Assert.Contains(mine.Target.Name, html, StringComparison.Ordinal);
        Assert.Contains(second.Name, html, StringComparison.Ordinal);
        Assert.Contains("by " + mine.Owner.Name, html, StringComparison.Ordinal);
        Assert.Contains(mine.InstallationId.ToString(), html, StringComparison.Ordinal);
        Assert.Contains(alsoMine.InstallationId.ToString(), html, StringComparison.Ordinal);
        Assert.DoesNotContain("Someone Elses", html, StringComparison.Ordinal);
        Assert.DoesNotContain(someoneElse.InstallationId.ToString(), html, StringComparison.Ordinal);
        Assert.DoesNotContain("Bot In First", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_WithNoAuthorizations_IsToldSo()
    {
        var server = await servers.ForAsync();
        var browser = await server.MemberBrowserAsync(await server.OrganizationAsync(), OrganizationRole.Member);

        Assert.Contains("No app can act on your behalf.", await browser.GetPageAsync(UserPage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_Own_EndsEveryTokenAtOnce_AndLeavesTheOthers()
    {
        var server = await servers.ForAsync();
        var revoked = await server.InstallAsync("Revoked App");
        var kept = await server.InstallAsync("Kept App", target: revoked.Target, user: revoked.User);
        var browser = await server.BrowserForAsync(revoked.User);

        using var response = await browser.SubmitAsync(UserPage, RevokeFields(revoked.InstallationId), RevokeAction);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(UserPage + "#notice", response.Headers.Location?.OriginalString);
        await revoked.AssertUninstalledAsync();
        await kept.AssertStillInstalledAsync();
        var html = await browser.GetPageAsync(UserPage);
        Assert.Contains($"Revoked App can no longer act on your behalf in {revoked.Target.Name}.", html, StringComparison.Ordinal);
        Assert.DoesNotContain(revoked.InstallationId.ToString(), html, StringComparison.Ordinal);
        Assert.Contains(kept.InstallationId.ToString(), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_AnyoneElsesInstallation_Is404_AndChangesNothing()
    {
        var server = await servers.ForAsync();
        var mine = await server.InstallAsync();
        var someoneElses = await server.InstallAsync(target: mine.Target);
        var (bot, botSecret, botOwner) = await server.OwnedAppAsync("Bot");
        var botInstallation = await server.ClientCredentialsInstallAsync(bot, botSecret);
        // Even an admin of the organization revokes others' authorizations only by uninstalling, on the admin page.
        await server.WithDbAsync(async db =>
        {
            db.Memberships.Add(new Membership { OrganizationId = botOwner.Id, UserId = mine.User.Id, Role = OrganizationRole.Owner });
            return await db.SaveChangesAsync();
        });
        var browser = await server.BrowserForAsync(mine.User);

        foreach (var id in new[] { someoneElses.InstallationId, botInstallation, Guid.CreateVersion7() })
        {
            using var response = await browser.SubmitAsync(UserPage, RevokeFields(id), RevokeAction);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        await someoneElses.AssertStillInstalledAsync();
        await mine.AssertStillInstalledAsync();
        Assert.Null((await server.InstallationAsync(botInstallation)).RevokedAt);
    }

    [Fact]
    public async Task Revoke_WithoutAntiforgeryToken_Is400_AndChangesNothing()
    {
        var server = await servers.ForAsync();
        var mine = await server.InstallAsync();
        var browser = await server.BrowserForAsync(mine.User);
        await browser.GetPageAsync(UserPage);

        using var response = await browser.PostAsync(RevokeAction, RevokeFields(mine.InstallationId));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await mine.AssertStillInstalledAsync();
    }

    [Fact]
    public async Task SignedOut_IsSentToSignIn_AndChangesNothing()
    {
        var server = await servers.ForAsync();
        var mine = await server.InstallAsync();
        var anonymous = new PortalBrowser(server.CreateCookieClient());

        using var page = await anonymous.GetAsync(UserPage);
        using var post = await anonymous.SubmitAsync("/account/login", RevokeFields(mine.InstallationId), RevokeAction);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/account/login", page.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal("/account/login", post.Headers.Location?.AbsolutePath);
        await mine.AssertStillInstalledAsync();
    }

    [Fact]
    public async Task AppAndOrganizationNames_AreEncoded()
    {
        const string Script = "<script>alert(1)</script>";
        var server = await servers.ForAsync();
        var mine = await server.InstallAsync(Script, ownerName: "<b>Owner</b> " + Guid.NewGuid().ToString("N")[..6]);
        var browser = await server.BrowserForAsync(mine.User);

        var html = await browser.GetPageAsync(UserPage);

        Assert.DoesNotContain(Script, html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>Owner</b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }
}
