using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Management;
using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Webhooks;

/// <summary>Two Latchkey servers with delivery workers on one database: each attempt is leased by one of them, so sent once.</summary>
public sealed class WebhookLeaseTests
{
    private const int Events = 40;

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task TwoServersOnOneDatabase_SendEachAttemptOnce(DatabaseKind kind)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var first = await LatchkeyTestServer.StartAsync(kind, WebhookServer.Settings());
        await using var second = await LatchkeyTestServer.AttachAsync(first.ConnectionString, services => services.Configure<WebhookOptions>(o =>
        {
            o.AllowLoopback = true;
            o.PollInterval = TimeSpan.FromMilliseconds(10);
        }));
        var subscriber = await first.SubscriberAsync(receiver.Open(200));
        var secondApi = second.CreateClient();
        secondApi.DefaultRequestHeaders.Authorization = subscriber.Api.DefaultRequestHeaders.Authorization;

        await Task.WhenAll(Enumerable.Range(0, Events).Select(i => (i % 2 == 0 ? subscriber.Api : secondApi).PublishAsync()));

        await subscriber.Endpoint.WaitForAsync(Events, TimeSpan.FromSeconds(30));
        await Task.Delay(500, TestContext.Current.CancellationToken);
        var received = subscriber.Endpoint.Received;
        Assert.Equal(Events, received.Count);
        Assert.Equal(Events, received.Select(r => r.Id).Distinct().Count());
        var attempts = await first.WithDbAsync(db => db.Set<WebhookDelivery>().AsNoTracking().Select(d => d.Attempts).ToListAsync());
        Assert.Equal(Events, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(1, a));
    }
}
