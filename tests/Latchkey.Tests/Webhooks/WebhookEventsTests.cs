using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Management;
using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Webhooks;

/// <summary>What gets queued for whom: Latchkey's own events, the operator's, subscriptions and grants, and the API's input rules.</summary>
public sealed class WebhookEventsTests(WebhookServer fixture) : IClassFixture<WebhookServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private LatchkeyTestServer Server => fixture.Server;

    [Fact]
    public async Task Install_SendsAppInstalled_WithWhatWasGranted()
    {
        var subscriber = await Server.SubscriberAsync(fixture.Receiver.Open(200), events: [WebhookEventTypes.AppInstalled, WebhookKit.PostCreated]);

        var received = Assert.Single(await subscriber.Endpoint.WaitForAsync(1));
        var envelope = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal(WebhookEventTypes.AppInstalled, envelope.GetProperty("type").GetString());
        var data = envelope.GetProperty("data");
        Assert.Equal("installation", data.GetProperty("object").GetString());
        Assert.Equal(subscriber.InstallationId, data.GetProperty("id").GetGuid());
        Assert.Equal(subscriber.ClientId, data.GetProperty("client_id").GetString());
        Assert.Equal([WebhookEventTypes.AppInstalled, WebhookKit.PostCreated], data.GetProperty("webhook_events").Strings());

        // Consent again (an update of the same installation) is not a second install.
        await Server.InstallAsync(subscriber.OrganizationId, subscriber.ClientId);
        await subscriber.Api.PublishAsync();
        await subscriber.Endpoint.WaitForAsync(2);
        await Task.Delay(200, Ct);
        Assert.Equal(2, subscriber.Endpoint.Received.Count);
    }

    [Fact]
    public async Task NarrowedGrant_ReceivesOnlyGrantedEvents()
    {
        var endpoint = fixture.Receiver.Open(200);
        var subscriber = await Server.SubscriberAsync(endpoint, events: [WebhookKit.PostCreated, "post_updated"], granted: ["post_updated"]);

        var skipped = await subscriber.Api.PublishAsync(WebhookKit.PostCreated);
        var sent = await subscriber.Api.PublishAsync("post_updated");

        Assert.Equal(0, skipped.GetProperty("deliveries").GetInt32());
        Assert.Equal(1, sent.GetProperty("deliveries").GetInt32());
        var received = Assert.Single(await endpoint.WaitForAsync(1));
        Assert.Equal("post_updated", JsonDocument.Parse(received.Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Publish_FansOutToEverySubscribedLiveInstallationOfTheOrganizationOnly()
    {
        var first = await Server.SubscriberAsync(fixture.Receiver.Open(200));
        // A second app installed in the same organization, and one subscribed to something else.
        var second = fixture.Receiver.Open(200);
        var secondApp = await first.Api.CreateHookedAppAsync(second.Url, [WebhookKit.PostCreated]);
        await Server.InstallAsync(first.OrganizationId, secondApp.GetProperty("client_id").GetString()!);
        var other = fixture.Receiver.Open(200);
        var otherApp = await first.Api.CreateHookedAppAsync(other.Url, ["comment_created"]);
        await Server.InstallAsync(first.OrganizationId, otherApp.GetProperty("client_id").GetString()!);
        // Another organization with the same app kind installed hears nothing.
        var elsewhere = await Server.SubscriberAsync(fixture.Receiver.Open(200));

        var published = await first.Api.PublishAsync();

        Assert.Equal(2, published.GetProperty("deliveries").GetInt32());
        await first.Endpoint.WaitForAsync(1);
        await second.WaitForAsync(1);
        await Task.Delay(200, Ct);
        Assert.Empty(other.Received);
        Assert.Empty(elsewhere.Endpoint.Received);
    }

    [Fact]
    public async Task RevokedToken_SendsTokenRevoked_AndRefreshReuse_SendsReuseDetected()
    {
        var organization = await Server.OrganizationAsync();
        var user = await Server.UserAsync($"u{Guid.NewGuid():N}@example.com", "correct-horse-1", organization.Id);
        var endpoint = fixture.Receiver.Open(200);
        var created = await Server.AppAsync(organization.Id, new AppDraft
        {
            Name = "Watcher",
            RedirectUris = [SeedTokens.Callback],
            Scopes = ["posts:read", "posts:write"],
            WebhookUrl = endpoint.Url,
            WebhookEvents = [WebhookEventTypes.TokenRevoked, WebhookEventTypes.RefreshTokenReuseDetected],
        });
        var client = new TestClient(created.App, created.Secret!.Plaintext, organization.Id, user.Id);
        var (access, refresh) = await Server.SelfTokensAsync(client);

        using var http = Server.CreateClient();
        using var revoke = await http.SendAsync(OAuthClient.Form("/oauth/revoke", [KeyValuePair.Create("token", access)], client.Basic), Ct);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        // Revoking it again changes nothing, and tells the app nothing.
        using var again = await http.SendAsync(OAuthClient.Form("/oauth/revoke", [KeyValuePair.Create("token", access)], client.Basic), Ct);
        Assert.Equal(1, await Server.WithDbAsync(db => db.Set<WebhookDelivery>()
            .CountAsync(d => d.AppId == created.App.Id && d.EventType == WebhookEventTypes.TokenRevoked, Ct)));
        await Server.RefreshAsync(client, refresh);
        var (reused, _, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [KeyValuePair.Create("grant_type", "refresh_token"), KeyValuePair.Create("refresh_token", refresh)], client.Basic));
        Assert.Equal(HttpStatusCode.BadRequest, reused);

        var received = await endpoint.WaitForAsync(2);
        var types = received.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal([WebhookEventTypes.RefreshTokenReuseDetected, WebhookEventTypes.TokenRevoked],
            types.Select(t => t.GetProperty("type").GetString()).Order(StringComparer.Ordinal));
        var revoked = types.Single(t => t.GetProperty("type").GetString() == WebhookEventTypes.TokenRevoked).GetProperty("data");
        Assert.Equal("access_token", revoked.GetProperty("token_type_hint").GetString());
        Assert.DoesNotContain(access, received[0].Body + received[1].Body, StringComparison.Ordinal);
        Assert.All(received, r => Assert.True(StandardWebhooksVerifier.Verify(created.WebhookSecret.Plaintext, r)));
    }

    [Fact]
    public async Task SigningSecret_IsStoredEncrypted()
    {
        var subscriber = await Server.SubscriberAsync(fixture.Receiver.Open(200));

        var stored = await Server.WithDbAsync(db => db.Set<WebhookSigningSecret>().AsNoTracking()
            .Where(s => s.App!.ClientId == subscriber.ClientId).Select(s => s.Protected).SingleAsync(Ct));

        Assert.DoesNotContain(subscriber.WebhookSecret, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(subscriber.WebhookSecret["whsec_".Length..], stored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type": "app.installed", "data": {}}""", "type")]
    [InlineData("""{"type": "post created", "data": {}}""", "type")]
    [InlineData("""{"type": "", "data": {}}""", "type")]
    [InlineData("""{"data": {}}""", "type")]
    [InlineData("""{"type": "post_created"}""", "data")]
    [InlineData("""{"type": "post_created", "data": [1]}""", "data")]
    [InlineData("""{"type": "post_created", "data": "x"}""", "data")]
    [InlineData("""{"type": "post_created", "data": {}, "org": "x"}""", "org")]
    public async Task Publish_BadInput_Is400NamingTheField(string body, string field)
    {
        var (api, _) = await Server.ManagementClientAsync();

        using var response = await api.SendJsonAsync(HttpMethod.Post, "/api/v1/events", body);

        await response.AssertValidationProblemAsync(field);
    }

    [Fact]
    public async Task AnotherOrganizationsApp_WebhookRoutesAre404()
    {
        var subscriber = await Server.SubscriberAsync(fixture.Receiver.Open(200));
        await subscriber.Api.PublishAsync();
        var delivery = await subscriber.WaitForLoggedAttemptsAsync(1);
        var (stranger, _) = await Server.ManagementClientAsync();

        foreach (var path in new[] { subscriber.WebhookPath, $"{subscriber.WebhookPath}/deliveries", $"{subscriber.WebhookPath}/deliveries/{delivery.GetProperty("id").GetString()}" })
        {
            await (await stranger.GetAsync(path, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        foreach (var path in new[] { $"{subscriber.WebhookPath}/secrets", $"{subscriber.WebhookPath}/enable", $"{subscriber.WebhookPath}/deliveries/{delivery.GetProperty("id").GetString()}/redeliver" })
        {
            await (await stranger.PostAsync(path, null, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
    }
}
