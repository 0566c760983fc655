using Latchkey.Hosting;
using Microsoft.Extensions.Options;

namespace Latchkey.Webhooks;

/// <summary>Deletes finished deliveries older than <see cref="WebhookOptions.DeliveryRetention"/>, with their attempts.</summary>
public sealed class WebhookPruner(IServiceScopeFactory scopes, IOptions<WebhookOptions> options, TimeProvider clock,
    ILogger<WebhookPruner> logger) : PeriodicPruner(scopes, logger)
{
    private const int BatchSize = 1000;

    protected override string Name => "the webhook delivery log";

    protected override Task PruneAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<WebhookLog>().PruneAsync(clock.GetUtcNow() - options.Value.DeliveryRetention, BatchSize, ct);
}
