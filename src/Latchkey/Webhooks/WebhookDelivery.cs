namespace Latchkey.Webhooks;

/// <summary>
/// One event on its way to one installation: the outbox row. It is written in the transaction of the change it
/// reports (or of <c>POST /api/v1/events</c>), so a committed event is never lost, and it keeps the exact body every
/// attempt sends, so a retry is byte-for-byte the same message under the same <c>webhook-id</c>.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    /// <summary>The event's id, shared by its deliveries to every installation it fanned out to.</summary>
    public required Guid EventId { get; init; }
    public required string EventType { get; init; }
    public required Guid OrganizationId { get; init; }
    public required long AppId { get; init; }
    public required Guid InstallationId { get; init; }
    /// <summary>The JSON envelope, exactly as sent.</summary>
    public required string Payload { get; init; }
    public WebhookDeliveryStatus Status { get; set; } = WebhookDeliveryStatus.Pending;
    public int Attempts { get; set; }
    /// <summary>Failed attempts since the delivery was (re)queued: the position in the retry schedule.</summary>
    public int ScheduleStep { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>A worker holds the delivery until then (<see cref="WebhookLeases"/>).</summary>
    public DateTimeOffset? LeasedUntil { get; set; }
    /// <summary>Which lease holds it; a concurrency token, so a worker whose lease was taken over records nothing.</summary>
    public Guid? LeaseToken { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public int? LastStatusCode { get; set; }
    /// <summary>Why the last attempt failed, or why the delivery was cancelled.</summary>
    public string? LastError { get; set; }

    public string MessageId => WebhookIds.Message(Id);
}

public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    /// <summary>Every scheduled attempt failed; the subscription was disabled.</summary>
    Failed,
    /// <summary>Not sent: the installation was uninstalled, the app unsubscribed, or the subscription is disabled.</summary>
    Cancelled,
}

/// <summary>One HTTP attempt of a delivery, as the delivery log shows it.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; init; }
    public required Guid DeliveryId { get; init; }
    public required int Number { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required bool Succeeded { get; init; }
    public int? StatusCode { get; init; }
    public required int LatencyMs { get; init; }
    public string? Error { get; init; }
    public string? ResponseExcerpt { get; init; }
}

/// <summary>The public forms of ids: <c>evt_…</c> for an event, <c>msg_…</c> for a delivery (the Standard Webhooks <c>webhook-id</c>).</summary>
public static class WebhookIds
{
    public const string EventPrefix = "evt_";
    public const string MessagePrefix = "msg_";

    public static string Event(Guid id) => EventPrefix + id.ToString("N");

    public static string Message(Guid id) => MessagePrefix + id.ToString("N");

    public static Guid? ParseMessage(string value) =>
        value.StartsWith(MessagePrefix, StringComparison.Ordinal) && Guid.TryParseExact(value[MessagePrefix.Length..], "N", out var id) ? id : null;
}
