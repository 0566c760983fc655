using Latchkey.Apps;

namespace Latchkey.Webhooks;

/// <summary>
/// The delivery state of an app's webhook endpoint: the URL and events live on the <see cref="App"/>, this says whether
/// deliveries go out. When every retry of a delivery fails the subscription is disabled with the reason
/// (FACTS.md "FeatureOS", "Webhooks": "then the webhook is disabled and the owner told"); the owner re-enables it.
/// </summary>
public sealed class WebhookSubscription
{
    public long AppId { get; init; }
    public App? App { get; init; }
    public DateTimeOffset? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }
}
