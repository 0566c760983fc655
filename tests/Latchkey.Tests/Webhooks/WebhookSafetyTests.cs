using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Webhooks;

/// <summary>
/// The webhook rules that hold under the operator's defaults (DESIGN.md "Webhooks", rule 4): a loopback target is refused
/// unless the operator allows it (the other webhook tests allow it, as development does), and no signing secret reaches
/// a log, even with every category at Trace.
/// </summary>
public sealed class WebhookSafetyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoopbackTarget_ByDefault_IsRefused()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await LatchkeyTestServer.StartAsync();
        var endpoint = receiver.Open(200);
        (string Url, string Reason)[] targets =
        [
            (Retarget(endpoint, "https", "127.0.0.1"), "loopback"),
            (Retarget(endpoint, "https", "localhost"), "loopback"),
            (endpoint.Url, "must be https"),
        ];

        foreach (var (url, reason) in targets)
        {
            var subscriber = await server.SubscriberAsync(endpoint, url: url);
            await subscriber.Api.PublishAsync();

            var attempt = Assert.Single((await subscriber.WaitForLoggedAttemptsAsync(1)).GetProperty("attempts").EnumerateArray());
            Assert.Contains(reason, attempt.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        Assert.Empty(endpoint.Received);
    }

    [Fact]
    public async Task SigningSecrets_AtTrace_AreNeverLogged()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var recorder = new RecordingLoggerProvider();
        await using var server = await LatchkeyTestServer.StartAsync(
            settings: WebhookServer.Settings(("Logging:LogLevel:Default", "Trace"), ("Logging:Recorder:LogLevel:Default", "Trace"),
                ("Logging:Console:LogLevel:Default", "None")),
            services: s => s.AddSingleton<ILoggerProvider>(recorder));

        // Minted with the app, rotated, and both signing a delivery that goes out.
        var subscriber = await server.SubscriberAsync(receiver.Open(200));
        using var rotate = await subscriber.Api.PostAsync($"{subscriber.WebhookPath}/secrets", null, Ct);
        var rotated = (await rotate.JsonAsync()).GetProperty("webhook_secret").GetString()!;
        await subscriber.Api.PublishAsync();
        var received = Assert.Single(await subscriber.Endpoint.WaitForAsync(1));
        Assert.True(StandardWebhooksVerifier.Verify(rotated, received) && StandardWebhooksVerifier.Verify(subscriber.WebhookSecret, received));
        await subscriber.WaitForLoggedAttemptsAsync(1, "delivered");

        var records = recorder.Records.ToList();
        // The recorder heard Trace entries and the webhook tables' database work, so its silence about the secrets means something.
        Assert.Contains(records, r => r.Level == LogLevel.Trace);
        Assert.Contains(records, r => r.Text.Contains("webhook_deliveries", StringComparison.Ordinal));
        // Each whole secret, and the last 20 characters of its key alone, in case the whsec_ prefix were ever cut off before logging.
        var leaks = (
            from secret in new[] { subscriber.WebhookSecret, rotated }
            from record in records
            where record.Text.Contains(secret, StringComparison.Ordinal) || record.Text.Contains(secret[^20..], StringComparison.Ordinal)
            select $"{record.Category} ({record.Level}): {record.Text.Split('\n')[0]}").Distinct().ToList();
        Assert.True(leaks.Count == 0, "Signing secrets in the logs:\n" + string.Join("\n", leaks));
    }

    /// <summary>The endpoint's URL with another scheme and host: the same receiver, addressed as the test needs.</summary>
    private static string Retarget(WebhookReceiver.Endpoint endpoint, string scheme, string host) =>
        new UriBuilder(endpoint.Url) { Scheme = scheme, Host = host }.Uri.ToString();
}
