using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Organizations;
using Latchkey.Webhooks;
using static Microsoft.Playwright.Assertions;

namespace Latchkey.BrowserTests;

/// <summary>
/// The webhook pages in a real Chromium (README "Webhooks", "The log"): the developer's
/// <c>/portal/apps/{client_id}/webhook</c> with a subscription disabled by failures, re-enabled, the failed delivery's
/// attempts and its redelivery, and a rotated signing secret shown once; and "Events sent" on
/// <c>/portal/installations</c>, where the organization that installed the app sees what it was sent.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed class WebhookBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private const string PostCreated = "post_created";

    private WebhookReceiver _receiver = null!;
    private LiveServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        // Loopback targets for the receiver, and a single quick retry, so that a failing endpoint is disabled within a test.
        _server = await LiveServer.StartAsync(new Dictionary<string, string?>
        {
            ["Latchkey:Webhooks:AllowLoopback"] = "true",
            ["Latchkey:Webhooks:PollInterval"] = "00:00:00.050",
            ["Latchkey:Webhooks:RetrySchedule:0"] = "00:00:00.200",
            ["Latchkey:Webhooks:RetryJitter"] = "0",
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task WebhookPage_ReEnableADisabledSubscription_RedeliverAFailedDelivery_RotatedSecretShownOnce()
    {
        var endpoint = _receiver.Open(500, 500, 200);
        var developers = await _server.OrganizationAsync("Acme");
        var owner = await _server.PersonAsync(developers.Id, OrganizationRole.Owner);
        var app = await HookedAppAsync(developers.Id, endpoint);
        await InstallAsync(app, developers.Id);
        await PublishAsync(developers.Id);
        // Both scheduled attempts fail: the delivery failed, and the subscription is disabled.
        await endpoint.WaitForAsync(2);
        await UntilAsync(async log => (await log.SubscriptionAsync(app.App.Id, default))?.DisabledAt is not null);
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _server.BaseAddress.ToString() });
        var page = await SignedInAsync(context, owner);
        var webhookPage = $"/portal/apps/{app.ClientId}/webhook";

        await page.GotoAsync(webhookPage);
        await Expect(page.Locator("#webhook-state")).ToContainTextAsync("disabled since");
        await Expect(page.Locator("#disabled-reason")).ToContainTextAsync("HTTP 500");
        var delivery = page.Locator("#deliveries tbody tr");
        await Expect(delivery).ToHaveCountAsync(1);
        await Expect(delivery.Locator("td").Nth(1)).ToContainTextAsync("failed");
        await delivery.Locator("summary").ClickAsync();
        await Expect(delivery.Locator("li")).ToHaveCountAsync(2);
        await Expect(delivery.Locator("li").First).ToContainTextAsync("HTTP 500");
        await Expect(delivery.Locator("li pre").First).ToHaveTextAsync("answer 500");

        await page.GetByRole(AriaRole.Button, new() { Name = "Re-enable deliveries" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("Deliveries are enabled again");
        await Expect(page.Locator("#webhook-state")).ToHaveTextAsync("enabled");

        await delivery.GetByRole(AriaRole.Button, new() { Name = "Redeliver" }).ClickAsync();
        await Expect(page.Locator("#notice")).ToContainTextAsync("is queued again");
        await UntilAsync(async log => (await log.ListAsync(app.App.Id, WebhookDeliveryStatus.Delivered, 10, default)).Count == 1);
        await page.GotoAsync(webhookPage);
        await Expect(delivery.Locator("td").Nth(1)).ToContainTextAsync("delivered");
        await Expect(delivery.Locator("summary")).ToHaveTextAsync("3");
        // Sent again under the same webhook-id, so a receiver that had it can tell.
        Assert.Single(endpoint.Received.Select(r => r.Id).Distinct());

        // The new secret is shown once, in place of the page; the webhook page and the app's page show only its hint.
        await page.GetByRole(AriaRole.Button, new() { Name = "Rotate signing secret" }).ClickAsync();
        var secret = (await page.Locator("#webhook-secret").TextContentAsync())?.Trim();
        Assert.StartsWith(WebhookSigningSecrets.Prefix, secret, StringComparison.Ordinal);
        await page.GotoAsync(webhookPage);
        await Expect(page.Locator("#signing-secrets tbody tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#signing-secrets")).ToContainTextAsync($"whsec_…{secret![^4..]}");
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
        await page.GotoAsync($"/portal/apps/{app.ClientId}");
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EventsSent_ShowsTheInstallingOrganizationWhatTheAppWasSent_NotTheAppsAnswers()
    {
        var endpoint = _receiver.Open(200);
        var developers = await _server.OrganizationAsync("Developers");
        var tenant = await _server.OrganizationAsync("Tenant");
        var admin = await _server.PersonAsync(tenant.Id, OrganizationRole.Admin);
        var app = await HookedAppAsync(developers.Id, endpoint);
        await InstallAsync(app, tenant.Id);
        await PublishAsync(tenant.Id);
        await UntilAsync(async log => (await log.ListAsync(app.App.Id, WebhookDeliveryStatus.Delivered, 10, default)).Count == 1);
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _server.BaseAddress.ToString() });
        var page = await SignedInAsync(context, admin);

        await page.GotoAsync("/portal/installations");
        await page.Locator("tr", new() { HasText = app.App.Name }).GetByRole(AriaRole.Link, new() { Name = "Events sent" }).ClickAsync();

        await Expect(page.Locator("h1")).ToHaveTextAsync($"{app.App.Name}: events sent");
        var delivery = page.Locator("#deliveries tbody tr");
        await Expect(delivery).ToHaveCountAsync(1);
        await Expect(delivery.Locator("td").Nth(0)).ToContainTextAsync(PostCreated);
        await Expect(delivery.Locator("td").Nth(2)).ToHaveTextAsync("delivered");
        await Expect(delivery.Locator("td").Nth(3)).ToContainTextAsync("1, last at");
        // What the app answered is the developer's business: the receiver's body is nowhere on the page.
        Assert.Single(endpoint.Received);
        Assert.DoesNotContain("answer 200", await page.ContentAsync(), StringComparison.Ordinal);
    }

    private Task<RegisteredApp> HookedAppAsync(Guid ownerOrganizationId, WebhookReceiver.Endpoint endpoint) =>
        _server.AppAsync(ownerOrganizationId, new AppDraft
        {
            Name = "Roadmap Hooks",
            RedirectUris = ["https://client.example/callback"],
            ActorModes = [ActorMode.App],
            WebhookUrl = endpoint.Url,
            WebhookEvents = [PostCreated],
        });

    /// <summary>The app as its own bot in <paramref name="organizationId"/>, granted the events it subscribes to.</summary>
    private Task<Installation> InstallAsync(RegisteredApp app, Guid organizationId) =>
        _server.WithScopeAsync(services => services.GetRequiredService<InstallationStore>()
            .InstallAsync(app.App, organizationId, ActorMode.App, null, app.App.AllowedScopes, null, null, default));

    /// <summary>What <c>POST /api/v1/events</c> does for the organization's management key: one delivery, to the app.</summary>
    private async Task PublishAsync(Guid organizationId)
    {
        var (_, deliveries) = await _server.WithScopeAsync(services => services.GetRequiredService<WebhookOutbox>()
            .PublishAsync(organizationId, PostCreated, JsonSerializer.SerializeToElement(new { @object = "post", id = 42 }), default));
        Assert.Equal(1, deliveries);
    }

    private async Task UntilAsync(Func<WebhookLog, Task<bool>> reached)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await _server.WithScopeAsync(services => reached(services.GetRequiredService<WebhookLog>())))
        {
            Assert.True(DateTime.UtcNow < deadline, "The delivery log did not reach the state the test waits for.");
            await Task.Delay(50);
        }
    }

    private static async Task<IPage> SignedInAsync(IBrowserContext context, Person person)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/portal");
        await page.SignInAsync(person);
        await page.WaitForURLAsync("**/portal");
        return page;
    }
}
