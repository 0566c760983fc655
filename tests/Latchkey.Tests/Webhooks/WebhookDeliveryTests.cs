using System.Text.Json;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Management;
using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Webhooks;

/// <summary>Delivery to a real HTTP receiver on loopback: signing, retries and the log, rotation, safety, isolation of slow endpoints.</summary>
public sealed class WebhookDeliveryTests(WebhookServer fixture) : IClassFixture<WebhookServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private LatchkeyTestServer Server => fixture.Server;

    [Fact]
    public async Task Publish_DeliversSignedEnvelope_ThatVerifiesOnlyWithTheSecretAndTheBody()
    {
        var subscriber = await Server.SubscriberAsync(fixture.Receiver.Open(200));

        var published = await subscriber.Api.PublishAsync(data: new { @object = "post", id = 42, title = "Hello" });

        Assert.Equal(1, published.GetProperty("deliveries").GetInt32());
        var received = Assert.Single(await subscriber.Endpoint.WaitForAsync(1));
        Assert.StartsWith("whsec_", subscriber.WebhookSecret, StringComparison.Ordinal);
        Assert.True(StandardWebhooksVerifier.Verify(subscriber.WebhookSecret, received));
        Assert.StartsWith("msg_", received.Id, StringComparison.Ordinal);
        Assert.Equal(fixture.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), received.Timestamp);
        var other = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Assert.False(StandardWebhooksVerifier.Verify(other, received));
        Assert.False(StandardWebhooksVerifier.Verify(subscriber.WebhookSecret, received with { Body = received.Body.Replace("Hello", "Hellp", StringComparison.Ordinal) }));
        Assert.False(StandardWebhooksVerifier.Verify(subscriber.WebhookSecret, received with { Timestamp = "1" }));

        var envelope = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal(published.GetProperty("id").GetString(), envelope.GetProperty("id").GetString());
        Assert.Equal(WebhookKit.PostCreated, envelope.GetProperty("type").GetString());
        Assert.Equal(fixture.Clock.GetUtcNow().ToUnixTimeSeconds(), envelope.GetProperty("created").GetInt64());
        Assert.Equal(subscriber.OrganizationId, envelope.GetProperty("organization_id").GetGuid());
        Assert.Equal(subscriber.InstallationId, envelope.GetProperty("installation_id").GetGuid());
        Assert.Equal("""{"object":"post","id":42,"title":"Hello"}""", envelope.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Publish_IsCommittedBefore202()
    {
        // A receiver that hangs: the delivery is still in flight when the 202 arrives, so only the outbox can have it.
        var subscriber = await Server.SubscriberAsync(fixture.Receiver.Open(0));

        var published = await subscriber.Api.PublishAsync();

        var eventId = Guid.ParseExact(published.GetProperty("id").GetString()!["evt_".Length..], "N");
        var stored = await Server.WithDbAsync(db => db.Set<WebhookDelivery>().AsNoTracking().SingleAsync(d => d.EventId == eventId, Ct));
        Assert.Equal(subscriber.InstallationId, stored.InstallationId);
    }

    [Fact]
    public async Task FailingReceiver_GetsExactlyOneRequestPerAttempt_AndTheLogShowsEach()
    {
        var subscriber = await Server.SubscriberAsync(fixture.Receiver.Open(500, 503, 200));
        await subscriber.Api.PublishAsync();

        await subscriber.Endpoint.WaitForAsync(1);
        var pending = await subscriber.WaitForLoggedAttemptsAsync(1);
        Assert.Equal("pending", pending.GetProperty("status").GetString());
        Assert.Equal(fixture.Clock.GetUtcNow().AddMinutes(1), pending.GetProperty("next_attempt_at").GetDateTimeOffset());
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await subscriber.Endpoint.WaitForAsync(2);
        await subscriber.WaitForLoggedAttemptsAsync(2);
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        await subscriber.Endpoint.WaitForAsync(3);
        var delivered = await subscriber.WaitForLoggedAttemptsAsync(3, "delivered");

        // Nothing more arrives, however long the clock runs on.
        fixture.Clock.Advance(TimeSpan.FromHours(12));
        await Task.Delay(300, Ct);
        var received = subscriber.Endpoint.Received;
        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.Id).Distinct());
        Assert.Single(received.Select(r => r.Body).Distinct());
        Assert.All(received, r => Assert.True(StandardWebhooksVerifier.Verify(subscriber.WebhookSecret, r)));
        var attempts = delivered.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], attempts.Select(a => a.GetProperty("number").GetInt32()));
        Assert.Equal([500, 503, 200], attempts.Select(a => a.GetProperty("status_code").GetInt32()));
        Assert.Equal([false, false, true], attempts.Select(a => a.GetProperty("succeeded").GetBoolean()));
        Assert.Equal(["answer 500", "answer 503", "answer 200"], attempts.Select(a => a.GetProperty("response_excerpt").GetString()));
        Assert.All(attempts, a => Assert.True(a.GetProperty("latency_ms").GetInt32() >= 0));
        Assert.Equal(received[0].Id, delivered.GetProperty("id").GetString());
    }

    [Fact]
    public async Task EveryRetryFails_SubscriptionDisabledWithReason_ThenReenabledAndRedelivered()
    {
        var endpoint = fixture.Receiver.Open(500, 500, 500, 500, 500, 500, 200);
        var subscriber = await Server.SubscriberAsync(endpoint);
        await subscriber.Api.PublishAsync();
        foreach (var (delay, attempt) in WebhookOptions.DefaultRetrySchedule.Select((d, i) => (d, i + 1)))
        {
            await subscriber.WaitForLoggedAttemptsAsync(attempt);
            fixture.Clock.Advance(delay);
        }
        var failed = await subscriber.WaitForLoggedAttemptsAsync(6, "failed");
        Assert.Equal(6, endpoint.Received.Count);

        var webhook = await (await subscriber.Api.GetAsync(subscriber.WebhookPath, Ct)).JsonAsync();
        Assert.False(webhook.GetProperty("enabled").GetBoolean());
        Assert.Contains("6 failed attempts", webhook.GetProperty("disabled_reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("HTTP 500", webhook.GetProperty("disabled_reason").GetString(), StringComparison.Ordinal);

        // While disabled, new events are logged as cancelled, not sent.
        await subscriber.Api.PublishAsync();
        await WaitUntilAsync(async () => (await subscriber.DeliveriesAsync()).Any(d => d.GetProperty("status").GetString() == "cancelled"));
        Assert.Equal(6, endpoint.Received.Count);

        using var enable = await subscriber.Api.PostAsync($"{subscriber.WebhookPath}/enable", null, Ct);
        Assert.True((await enable.JsonAsync()).GetProperty("enabled").GetBoolean());
        using var redeliver = await subscriber.Api.PostAsync($"{subscriber.WebhookPath}/deliveries/{failed.GetProperty("id").GetString()}/redeliver", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        await endpoint.WaitForAsync(7);
        await WaitUntilAsync(async () => (await subscriber.DeliveriesAsync()).Any(d => d.GetProperty("status").GetString() == "delivered"));
        using var again = await subscriber.Api.PostAsync($"{subscriber.WebhookPath}/deliveries/{failed.GetProperty("id").GetString()}/redeliver", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
    }

    [Fact]
    public async Task RotatedSecret_DeliveriesCarryBothSignatures()
    {
        var subscriber = await Server.SubscriberAsync(fixture.Receiver.Open(200));
        using var rotate = await subscriber.Api.PostAsync($"{subscriber.WebhookPath}/secrets", null, Ct);
        Assert.Equal(HttpStatusCode.Created, rotate.StatusCode);
        var rotated = await rotate.JsonAsync();
        var newSecret = rotated.GetProperty("webhook_secret").GetString()!;
        Assert.NotEqual(JsonValueKind.Null, rotated.GetProperty("previous_secret").GetProperty("expires_at").ValueKind);

        await subscriber.Api.PublishAsync();

        var received = Assert.Single(await subscriber.Endpoint.WaitForAsync(1));
        var signatures = received.Signature.Split(' ');
        Assert.Equal(2, signatures.Length);
        Assert.True(StandardWebhooksVerifier.Verify(subscriber.WebhookSecret, received with { Signature = signatures[1] })
            ^ StandardWebhooksVerifier.Verify(subscriber.WebhookSecret, received with { Signature = signatures[0] }));
        Assert.True(StandardWebhooksVerifier.Verify(newSecret, received));
        Assert.True(StandardWebhooksVerifier.Verify(subscriber.WebhookSecret, received));
        var webhook = await (await subscriber.Api.GetAsync(subscriber.WebhookPath, Ct)).JsonAsync();
        Assert.Equal(2, webhook.GetProperty("signing_secrets").GetArrayLength());
        Assert.DoesNotContain(newSecret, webhook.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://10.0.0.1/hook", "private-network")]
    [InlineData("https://192.168.1.10/hook", "private-network")]
    [InlineData("https://169.254.169.254/latest/meta-data", "link-local")]
    [InlineData("https://[fd00:ec2::254]/hook", "private-network")]
    [InlineData("https://[::ffff:10.1.2.3]/hook", "private-network")]
    [InlineData("https://0.0.0.0/hook", "not a unicast")]
    public async Task PrivateTarget_IsRefusedAtConnect(string url, string reason)
    {
        var subscriber = await Server.SubscriberAsync(fixture.Receiver.Open(200), url: url);
        await subscriber.Api.PublishAsync();

        var delivery = await subscriber.WaitForLoggedAttemptsAsync(1);
        var attempt = Assert.Single(delivery.GetProperty("attempts").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("status_code").ValueKind);
        Assert.Contains(reason, attempt.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangingReceiver_DoesNotDelayDeliveryToOthers()
    {
        var hanging = await Server.SubscriberAsync(fixture.Receiver.Open(0));
        for (var i = 0; i < 8; i++)
        {
            await hanging.Api.PublishAsync();
        }
        await hanging.Endpoint.WaitForAsync(1);
        var fast = await Server.SubscriberAsync(fixture.Receiver.Open(200));

        var started = DateTimeOffset.UtcNow;
        await fast.Api.PublishAsync();

        var received = Assert.Single(await fast.Endpoint.WaitForAsync(1, TimeSpan.FromSeconds(10)));
        // Well inside the 3 s attempt timeout the hanging endpoint's attempts are waiting out.
        Assert.True(received.At - started < TimeSpan.FromSeconds(2), $"took {received.At - started}");
        Assert.True(hanging.Endpoint.Received.Count <= 4, "at most MaxConcurrentPerEndpoint attempts to one endpoint at once");
    }

    [Fact]
    public async Task Uninstall_CancelsQueuedDeliveries_AndSendsAppUninstalled()
    {
        var endpoint = fixture.Receiver.Open(500, 200);
        var subscriber = await Server.SubscriberAsync(endpoint, events: [WebhookKit.PostCreated, WebhookEventTypes.AppUninstalled]);
        await subscriber.Api.PublishAsync();
        await subscriber.WaitForLoggedAttemptsAsync(1);

        using var uninstall = await subscriber.Api.DeleteAsync($"/api/v1/installations/{subscriber.InstallationId}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, uninstall.StatusCode);
        await endpoint.WaitForAsync(2);
        await WaitUntilAsync(async () => (await subscriber.DeliveriesAsync()).Any(d => d.GetProperty("status").GetString() == "delivered"));
        // The retry of the event queued before the uninstall comes due, and is cancelled instead of sent.
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await WaitUntilAsync(async () => (await subscriber.DeliveriesAsync()).Any(d => d.GetProperty("status").GetString() == "cancelled"));
        await Task.Delay(300, Ct);
        var received = endpoint.Received;
        Assert.Equal(2, received.Count);
        Assert.Equal(WebhookEventTypes.AppUninstalled, JsonDocument.Parse(received[1].Body).RootElement.GetProperty("type").GetString());
        var cancelled = (await subscriber.DeliveriesAsync()).Single(d => d.GetProperty("event_type").GetString() == WebhookKit.PostCreated);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("The app was uninstalled.", cancelled.GetProperty("last_error").GetString());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true in time.");
            await Task.Delay(20, Ct);
        }
    }
}
