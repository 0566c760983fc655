using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Portal;

/// <summary>Who may do what in the portal (DESIGN.md rule 7): members see their organization's apps but
/// change nothing (403); another organization's app is indistinguishable from a missing one (404).</summary>
public sealed class PortalAccessTests
{
    public static TheoryData<string, string[]> AppActions => new()
    {
        { "Save", ["Form.Name=Hijacked", "Form.RedirectUris=https://evil.example/cb", "Form.ActorModes=self"] },
        { "Rotate", [] },
        { "Revoke", ["secretId=1"] },
        { "Delete", ["confirm=true"] },
    };

    [Fact]
    public async Task Member_SeesTheAppsReadOnly()
    {
        var (server, org, member) = await PortalApps.StartAsync(OrganizationRole.Member);
        await using var _ = server;
        var created = await server.AppAsync(org.Id);

        var html = await member.GetPageAsync("/portal");

        Assert.Contains(created.App.ClientId, html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/portal/apps/", html, StringComparison.Ordinal);
        Assert.Contains("Only admins and owners", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_CannotOpenOrPostTheNewAppForm()
    {
        var (server, org, member) = await PortalApps.StartAsync(OrganizationRole.Member);
        await using var _ = server;

        using var form = await member.GetAsync("/portal/apps/new");
        using var post = await member.SubmitAsync("/portal", PortalApps.NewAppFields(org.Id, "Sneaky"), "/portal/apps/new");

        Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(0, await server.AppCountAsync());
    }

    [Fact]
    public async Task Admin_CannotCreateInAnOrganizationWhereTheyAreOnlyAMember()
    {
        var (server, org, admin) = await PortalApps.StartAsync(OrganizationRole.Admin);
        await using var _ = server;
        var elsewhere = await server.OrganizationAsync();
        await server.WithDbAsync(async db =>
        {
            db.Memberships.Add(new Membership { OrganizationId = elsewhere.Id, UserId = db.Users.Single().Id, Role = OrganizationRole.Member });
            return await db.SaveChangesAsync();
        });
        var stranger = await server.OrganizationAsync();

        using var asMember = await admin.SubmitAsync("/portal/apps/new", PortalApps.NewAppFields(elsewhere.Id, "Sneaky"));
        using var asStranger = await admin.SubmitAsync("/portal/apps/new", PortalApps.NewAppFields(stranger.Id, "Sneaky"));

        Assert.Equal(HttpStatusCode.Forbidden, asMember.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asStranger.StatusCode);
        Assert.Equal(0, await server.AppCountAsync());
        Assert.DoesNotContain(stranger.Id.ToString(), await admin.GetPageAsync("/portal/apps/new"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_CannotOpenTheAppPage()
    {
        var (server, org, member) = await PortalApps.StartAsync(OrganizationRole.Member);
        await using var _ = server;
        var created = await server.AppAsync(org.Id);

        using var response = await member.GetAsync(PortalApps.DetailsUrl(created.App.ClientId));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AppActions))]
    public async Task Member_CannotChangeTheApp(string handler, string[] fields)
    {
        var (server, org, member) = await PortalApps.StartAsync(OrganizationRole.Member);
        await using var _ = server;
        var created = await server.AppAsync(org.Id);

        using var response = await member.SubmitAsync("/portal", Fields(fields), $"{PortalApps.DetailsUrl(created.App.ClientId)}?handler={handler}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await AssertUnchangedAsync(server, created.App);
    }

    [Fact]
    public async Task OtherOrganizationsApp_Is404()
    {
        var (server, _, owner) = await PortalApps.StartAsync(OrganizationRole.Owner);
        await using var __ = server;
        var other = await server.AppAsync((await server.OrganizationAsync()).Id);

        using var response = await owner.GetAsync(PortalApps.DetailsUrl(other.App.ClientId));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(AppActions))]
    public async Task OtherOrganizationsApp_CannotBeChanged(string handler, string[] fields)
    {
        var (server, _, owner) = await PortalApps.StartAsync(OrganizationRole.Owner);
        await using var __ = server;
        var other = await server.AppAsync((await server.OrganizationAsync()).Id);

        using var response = await owner.SubmitAsync("/portal", Fields(fields), $"{PortalApps.DetailsUrl(other.App.ClientId)}?handler={handler}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertUnchangedAsync(server, other.App);
    }

    [Theory]
    [InlineData("lkapp_doesnotexist")]
    [InlineData("%3Cscript%3E")]
    public async Task UnknownApp_Is404(string clientId)
    {
        var (server, _, owner) = await PortalApps.StartAsync(OrganizationRole.Owner);
        await using var __ = server;

        using var response = await owner.GetAsync(PortalApps.DetailsUrl(clientId));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static IEnumerable<KeyValuePair<string, string>> Fields(string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).Select(p => new KeyValuePair<string, string>(p[0], p[1]));

    private static async Task AssertUnchangedAsync(LatchkeyTestServer server, Latchkey.Apps.App before)
    {
        var after = await server.FindAsync(before.ClientId);
        Assert.NotNull(after);
        Assert.Equal(before.Name, after.Name);
        Assert.Equal(before.RedirectUris, after.RedirectUris);
        Assert.Equal(before.Secrets.Select(s => (s.Id, s.ExpiresAt)), after.Secrets.Select(s => (s.Id, s.ExpiresAt)));
    }
}
