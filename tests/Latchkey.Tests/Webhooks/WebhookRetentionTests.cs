using System.Text.Json;
using Latchkey.Tests.Infrastructure;
using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Latchkey.Tests.Webhooks;

/// <summary>
/// The delivery log does not grow forever: <see cref="WebhookPruner"/> deletes finished deliveries last due more than
/// <see cref="WebhookOptions.DeliveryRetention"/> ago (<see cref="WebhookLog.PruneAsync"/>), with their attempts; pending
/// ones are never deleted.
/// </summary>
public sealed class WebhookRetentionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Prune_DeletesOldFinishedDeliveriesWithTheirAttempts_KeepsRecentAndPendingOnes(DatabaseKind kind)
    {
        await using var hooks = await WebhookServer.StartAsync(kind);
        var subscriber = await hooks.Server.SubscriberAsync(hooks.Receiver.Open(200));
        var failing = await hooks.Server.SubscriberAsync(hooks.Receiver.Open(500));
        for (var i = 0; i < 3; i++)
        {
            await subscriber.Api.PublishAsync();
        }
        await failing.Api.PublishAsync();
        var old = await subscriber.WaitForLogAsync(log => log.Length == 3 && log.All(IsDelivered), "3 delivered");
        var pending = await failing.WaitForLoggedAttemptsAsync(1, "pending");

        var retention = hooks.Server.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.DeliveryRetention;
        Assert.Equal(TimeSpan.FromDays(30), retention);
        hooks.Clock.Advance(retention + TimeSpan.FromDays(1));
        // An old delivery sent again is recent again: it stays, with its earlier attempt.
        using var redeliver = await subscriber.Api.PostAsync($"{subscriber.WebhookPath}/deliveries/{Id(old[0])}/redeliver", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        await subscriber.Api.PublishAsync();
        var log = await subscriber.WaitForLogAsync(log => log.Length == 4 && log.All(IsDelivered)
            && log.Single(d => Id(d) == Id(old[0])).GetProperty("attempts").GetArrayLength() == 2, "the redelivery and a new delivery");
        var oldIds = old[1..].Select(Id).ToList();
        var oldAttempts = await AttemptCountAsync(hooks.Server, oldIds);
        Assert.Equal(2, oldAttempts);

        // One per batch: the batches continue until the old ones are gone.
        var pruned = await PruneAsync(hooks.Server, hooks.Clock.GetUtcNow() - retention, batchSize: 1);

        Assert.Equal(2, pruned);
        Assert.Equal([.. log.Select(Id).Except(oldIds).Append(Id(pending)).Order()], (await StoredIdsAsync(hooks.Server)).Order());
        Assert.Equal(0, await AttemptCountAsync(hooks.Server, oldIds));
        Assert.Equal(3, await AttemptCountAsync(hooks.Server, [.. log.Select(Id).Except(oldIds)]));

        // However far the cutoff, a pending delivery stays (with its attempts) until it is finished.
        Assert.Equal(2, await PruneAsync(hooks.Server, hooks.Clock.GetUtcNow().AddYears(10), batchSize: 1000));
        Assert.Equal([Id(pending)], await StoredIdsAsync(hooks.Server));
        Assert.True(await AttemptCountAsync(hooks.Server, [Id(pending)]) >= 1);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-1.00:00:00")]
    public async Task ARetentionThatIsNotPositive_RefusesToStart(string retention)
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            LatchkeyTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Latchkey:Webhooks:DeliveryRetention"] = retention }));

        Assert.Contains("Latchkey:Webhooks:DeliveryRetention must be positive", refused.Message, StringComparison.Ordinal);
    }

    private static bool IsDelivered(JsonElement delivery) => delivery.GetProperty("status").GetString() == "delivered";

    private static string Id(JsonElement delivery) => delivery.GetProperty("id").GetString()!;

    private static Task<int> PruneAsync(LatchkeyTestServer server, DateTimeOffset before, int batchSize) =>
        server.WithScopeAsync(services => services.GetRequiredService<WebhookLog>().PruneAsync(before, batchSize, Ct));

    private static async Task<List<string>> StoredIdsAsync(LatchkeyTestServer server) =>
        [.. (await server.WithDbAsync(db => db.Set<WebhookDelivery>().AsNoTracking().Select(d => d.Id).ToListAsync(Ct))).Select(WebhookIds.Message)];

    private static Task<int> AttemptCountAsync(LatchkeyTestServer server, IReadOnlyList<string> messageIds)
    {
        var ids = messageIds.Select(id => WebhookIds.ParseMessage(id)!.Value).ToList();
        return server.WithDbAsync(db => db.Set<WebhookAttempt>().CountAsync(a => ids.Contains(a.DeliveryId), Ct));
    }
}
