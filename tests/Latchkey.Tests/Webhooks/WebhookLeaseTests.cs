using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Management;
using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Webhooks;

/// <summary>
/// Two <c>latchkey serve</c> processes with delivery workers on one database, both taking events: each attempt is
/// leased by one of them (PostgreSQL <c>FOR UPDATE SKIP LOCKED</c>, SQLite a conditional UPDATE), so sent once.
/// </summary>
public sealed class WebhookLeaseTests
{
    private const int Events = 40;

    private static readonly Dictionary<string, string> Environment = WebhookServer.Environment(("Latchkey:Webhooks:PollInterval", "00:00:00.010"));

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TwoProcessesOnOneDatabase_SendEachAttemptOnce(DatabaseKind kind)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var first = await LiveLatchkey.StartAsync(kind, Environment);
        await using var second = await LatchkeyProcess.ServeAsync(first.Seeder.ConnectionString, Environment);
        var subscriber = await first.Seeder.SubscriberAsync(receiver.Open(200));
        using var firstApi = first.CreateClient();
        using var secondApi = new HttpClient { BaseAddress = second.BaseAddress };
        firstApi.DefaultRequestHeaders.Authorization = secondApi.DefaultRequestHeaders.Authorization = subscriber.Api.DefaultRequestHeaders.Authorization;

        await Task.WhenAll(Enumerable.Range(0, Events).Select(i => (i % 2 == 0 ? firstApi : secondApi).PublishAsync()));

        await subscriber.Endpoint.WaitForAsync(Events, TimeSpan.FromSeconds(30));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        var received = subscriber.Endpoint.Received;
        Assert.Equal(Events, received.Count);
        Assert.Equal(Events, received.Select(r => r.Id).Distinct().Count());
        var attempts = await first.Seeder.WithDbAsync(db => db.Set<WebhookDelivery>().AsNoTracking().Select(d => d.Attempts).ToListAsync());
        Assert.Equal(Events, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(1, a));
    }
}
