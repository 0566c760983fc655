namespace Latchkey.Webhooks;

/// <summary>
/// <c>Latchkey:Webhooks</c>: how events are delivered to apps (README "Webhooks"). The defaults are safe for
/// production: https targets on public addresses only, five retries over about nine hours.
/// </summary>
public sealed class WebhookOptions
{
    public const string Section = "Latchkey:Webhooks";

    /// <summary>Run the delivery worker in this process. Every process may: workers lease attempts, so none is sent twice.</summary>
    public bool DeliveryEnabled { get; set; } = true;

    /// <summary>Delays before each retry after a failed attempt; when they are used up the subscription is disabled.
    /// Null: 1 min, 5 min, 30 min, 2 h, 6 h. (Null rather than a list default: configuration binding appends to one.)</summary>
    public TimeSpan[]? RetrySchedule { get; set; }

    /// <summary>Each retry waits up to this fraction longer than the schedule says, at random, so failed deliveries
    /// to one endpoint do not all come back at the same second.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>How long one attempt may take, connection to last byte read.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Attempts in flight in this process, over all endpoints.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 32;

    /// <summary>Attempts in flight in this process to one app's endpoint, so a slow endpoint holds at most this many slots.</summary>
    public int MaxConcurrentPerEndpoint { get; set; } = 4;

    /// <summary>How often the worker looks for due attempts when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Development only: deliver to loopback addresses, and over plain http to a loopback host.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Deliver to private networks (RFC 1918, unique-local fc00::/7, shared 100.64/10). Link-local addresses,
    /// where cloud metadata services answer, stay refused.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How much of a response body is read and kept in the delivery log.</summary>
    public int ResponseExcerptBytes { get; set; } = 1024;

    /// <summary>The largest <c>data</c> an operator may publish, in bytes of JSON.</summary>
    public int MaxEventDataBytes { get; set; } = 64 * 1024;

    /// <summary>How long a rotated-out signing secret keeps signing beside the new one.</summary>
    public TimeSpan SigningSecretRotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long finished deliveries (delivered, failed, cancelled) and their attempts stay in the log after they
    /// were last due; older ones are deleted (<see cref="WebhookPruner"/>). Pending deliveries are never deleted.</summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(30);

    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6)];

    public IReadOnlyList<TimeSpan> Retries => RetrySchedule ?? DefaultRetrySchedule;

    /// <summary>A lease outlives the attempt it covers (recording it included, and some clock difference between
    /// processes), so no other worker takes an attempt still in flight; and it runs out soon after a crash.</summary>
    public TimeSpan LeaseDuration => AttemptTimeout * 2 + TimeSpan.FromSeconds(5);
}
