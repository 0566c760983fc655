using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Management;
using Latchkey.Tests.Portal;

namespace Latchkey.Tests.Webhooks;

/// <summary>The delivery log where people look: the developer portal's webhook page, and the org admins' view of what
/// their installations were sent (portal and API).</summary>
public sealed class WebhookPortalTests(WebhookServer fixture) : IClassFixture<WebhookServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private LatchkeyTestServer Server => fixture.Server;

    private static string Page(Subscriber subscriber) => $"/portal/apps/{subscriber.ClientId}/webhook";

    [Fact]
    public async Task DeveloperPage_ShowsDeliveriesAndAttempts_RotatesOnce_Redelivers()
    {
        var subscriber = await Server.SubscriberAsync(fixture.Receiver.Open(200));
        await subscriber.Api.PublishAsync();
        var delivery = await subscriber.WaitForLoggedAttemptsAsync(1, "delivered");
        var id = delivery.GetProperty("id").GetString()!;
        var browser = await PortalBrowser.SignedInAsync(Server, subscriber.OrganizationId, OrganizationRole.Admin);

        var html = await browser.GetPageAsync(Page(subscriber));
        Assert.Contains(id, html, StringComparison.Ordinal);
        Assert.Contains("post_created", html, StringComparison.Ordinal);
        Assert.Contains("delivered", html, StringComparison.Ordinal);
        Assert.Contains("answer 200", html, StringComparison.Ordinal);
        Assert.Contains("whsec_…" + subscriber.WebhookSecret[^4..], html, StringComparison.Ordinal);
        Assert.DoesNotContain(subscriber.WebhookSecret, html, StringComparison.Ordinal);
        Assert.Contains($"/portal/apps/{subscriber.ClientId}/webhook", await browser.GetPageAsync(PortalApps.DetailsUrl(subscriber.ClientId)), StringComparison.Ordinal);

        using var rotate = await browser.SubmitAsync(Page(subscriber), [], Page(subscriber) + "?handler=Rotate");
        Assert.True(rotate.Headers.CacheControl?.NoStore);
        var rotated = PortalBrowser.TextOf(await rotate.HtmlAsync(), "webhook-secret")!;
        Assert.StartsWith("whsec_", rotated, StringComparison.Ordinal);
        Assert.DoesNotContain(rotated, await browser.GetPageAsync(Page(subscriber)), StringComparison.Ordinal);

        using var redeliver = await browser.SubmitAsync(Page(subscriber), [new("deliveryId", id)], Page(subscriber) + "?handler=Redeliver");
        Assert.Equal(HttpStatusCode.Redirect, redeliver.StatusCode);
        var received = await subscriber.Endpoint.WaitForAsync(2);
        Assert.Equal(received[0].Id, received[1].Id);
        Assert.True(StandardWebhooksVerifier.Verify(rotated, received[1]));
        Assert.True(StandardWebhooksVerifier.Verify(subscriber.WebhookSecret, received[1]));
    }

    [Fact]
    public async Task DeveloperPage_MemberIs403_OtherOrganizationIs404()
    {
        var subscriber = await Server.SubscriberAsync(fixture.Receiver.Open(200));
        var member = await PortalBrowser.SignedInAsync(Server, subscriber.OrganizationId, OrganizationRole.Member);
        var stranger = await PortalBrowser.SignedInAsync(Server, (await Server.OrganizationAsync()).Id, OrganizationRole.Owner);

        using var forMember = await member.GetAsync(Page(subscriber));
        using var forStranger = await stranger.GetAsync(Page(subscriber));

        Assert.Equal(HttpStatusCode.Forbidden, forMember.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, forStranger.StatusCode);
    }

    [Fact]
    public async Task NewAppInPortal_ShowsTheWebhookSecretOnce()
    {
        var organization = await Server.OrganizationAsync();
        var browser = await PortalBrowser.SignedInAsync(Server, organization.Id, OrganizationRole.Owner);

        using var response = await browser.SubmitAsync("/portal/apps/new", PortalApps.NewAppFields(organization.Id, "Hooked In Portal"));

        var html = await response.HtmlAsync();
        Assert.StartsWith("whsec_", PortalBrowser.TextOf(html, "webhook-secret"), StringComparison.Ordinal);
        Assert.StartsWith("lksec_", PortalBrowser.TextOf(html, "client-secret"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstallingOrganizationsAdmins_SeeWhatTheirInstallationWasSent_WithoutTheAppsAnswers()
    {
        var subscriber = await Server.SubscriberAsync(fixture.Receiver.Open(200));
        await subscriber.Api.PublishAsync();
        var delivery = await subscriber.WaitForLoggedAttemptsAsync(1, "delivered");
        var admin = await PortalBrowser.SignedInAsync(Server, subscriber.OrganizationId, OrganizationRole.Admin);
        var member = await PortalBrowser.SignedInAsync(Server, subscriber.OrganizationId, OrganizationRole.Member);
        var page = $"/portal/installations/{subscriber.InstallationId}/webhooks";

        var html = await admin.GetPageAsync(page);
        Assert.Contains(delivery.GetProperty("id").GetString()!, html, StringComparison.Ordinal);
        Assert.DoesNotContain("answer 200", html, StringComparison.Ordinal);
        Assert.Contains(page, await admin.GetPageAsync("/portal/installations"), StringComparison.Ordinal);
        using (var forMember = await member.GetAsync(page))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forMember.StatusCode);
        }
        // Another organization's owner: the installation is not theirs, and looks like none at all (DESIGN.md rule 7).
        var outsider = await PortalBrowser.SignedInAsync(Server, (await Server.OrganizationAsync()).Id, OrganizationRole.Owner);
        using (var forOutsider = await outsider.GetAsync(page))
        {
            Assert.Equal(HttpStatusCode.NotFound, forOutsider.StatusCode);
        }

        var api = $"/api/v1/installations/{subscriber.InstallationId}/webhook-deliveries";
        using var listed = await subscriber.Api.GetAsync(api, Ct);
        var entry = Assert.Single((await listed.JsonAsync()).GetProperty("data").EnumerateArray());
        Assert.Equal(delivery.GetProperty("id").GetString(), entry.GetProperty("id").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, entry.GetProperty("attempts")[0].GetProperty("response_excerpt").ValueKind);
        var (stranger, _) = await Server.ManagementClientAsync();
        await (await stranger.GetAsync(api, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
