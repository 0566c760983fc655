using Latchkey.Tests.Infrastructure;
using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Webhooks;

/// <summary>
/// Durability: the real server process accepts a burst of events, is killed with SIGKILL while most are still queued
/// (one endpoint, one attempt at a time, a slow receiver), and is started again: every accepted event is delivered.
/// An attempt in flight at the kill may arrive twice (at least once); nothing arrives never.
/// </summary>
public sealed class WebhookCrashTests
{
    private const int Events = 30;

    private static readonly Dictionary<string, string> Environment = WebhookServer.Environment(
        ("Latchkey:Webhooks:AttemptTimeout", "00:00:01"),
        ("Latchkey:Webhooks:MaxConcurrentPerEndpoint", "1"),
        ("Latchkey:Webhooks:PollInterval", "00:00:00.100"));

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task KillNine_WithEventsQueued_RestartDeliversEveryAcceptedEvent(DatabaseKind kind)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var live = await LiveLatchkey.StartAsync(kind, Environment);
        var subscriber = await live.Seeder.SubscriberAsync(receiver.Open(TimeSpan.FromMilliseconds(50), 200));
        using var api = live.CreateClient();
        api.DefaultRequestHeaders.Authorization = subscriber.Api.DefaultRequestHeaders.Authorization;

        var accepted = new List<string>();
        for (var i = 0; i < Events; i++)
        {
            accepted.Add((await api.PublishAsync(data: new { @object = "post", id = i })).GetProperty("id").GetString()!);
        }
        await subscriber.Endpoint.WaitForAsync(3);
        Assert.Equal(137, await live.Process.KillAsync());
        var beforeRestart = subscriber.Endpoint.Received.Count;
        Assert.True(beforeRestart < Events, "the kill should find events still queued");

        await live.RestartAsync();

        // Every accepted event arrives (an attempt in flight at the kill may arrive twice: at least once), and is recorded delivered.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var received = subscriber.Endpoint.Received;
            var events = received.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()!).ToHashSet();
            Assert.True(events.IsSubsetOf(accepted), "only accepted events arrive");
            Assert.True(received.Count <= events.Count + 1, $"at most the attempt in flight at the kill is repeated: {received.Count} requests, {events.Count} events");
            var statuses = await live.Seeder.WithDbAsync(db => db.Set<WebhookDelivery>().AsNoTracking().Select(d => d.Status).ToListAsync());
            if (events.Count == Events && statuses.All(s => s == WebhookDeliveryStatus.Delivered))
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{events.Count} of {Events} events arrived after the restart; {beforeRestart} before the kill.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
