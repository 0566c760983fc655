using System.Text.Json;
using System.Text.Json.Serialization;
using Latchkey.Management.Api;

namespace Latchkey.Webhooks;

/// <summary><c>POST /api/v1/events</c>: an event for the caller's organization.</summary>
public sealed record PublishEventRequest
{
    /// <summary>The event's name, e.g. <c>post_created</c>: letters, digits, '.', '_'.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }
    /// <summary>A JSON object; by FeatureOS's convention it names what it describes in <c>object</c>.</summary>
    [JsonPropertyName("data")] public JsonElement? Data { get; init; }
}

/// <param name="Deliveries">How many installations it is queued for.</param>
public sealed record PublishedEventResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("deliveries")] int Deliveries);

/// <summary>An app's webhook: where it goes, what it subscribes to, whether deliveries go out, and which secrets sign.</summary>
public sealed record WebhookResponse(
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("events")] IReadOnlyList<string> Events,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("disabled_at")] DateTimeOffset? DisabledAt,
    [property: JsonPropertyName("disabled_reason")] string? DisabledReason,
    [property: JsonPropertyName("signing_secrets")] IReadOnlyList<SecretResponse> SigningSecrets);

/// <summary>A new signing secret, shown this once, and the one that keeps signing beside it until its <c>expires_at</c>.</summary>
public sealed record RotatedSigningSecretResponse(
    [property: JsonPropertyName("webhook_secret")] string WebhookSecret,
    [property: JsonPropertyName("secret")] SecretResponse Secret,
    [property: JsonPropertyName("previous_secret")] SecretResponse? PreviousSecret);

/// <summary>One delivery in the log: the event, its state, and every attempt.</summary>
public sealed record DeliveryResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("event_id")] string EventId,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("organization_id")] Guid OrganizationId,
    [property: JsonPropertyName("installation_id")] Guid InstallationId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("next_attempt_at")] DateTimeOffset? NextAttemptAt,
    [property: JsonPropertyName("delivered_at")] DateTimeOffset? DeliveredAt,
    [property: JsonPropertyName("last_status_code")] int? LastStatusCode,
    [property: JsonPropertyName("last_error")] string? LastError,
    [property: JsonPropertyName("attempts")] IReadOnlyList<AttemptResponse> Attempts,
    [property: JsonPropertyName("payload"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Payload)
{
    /// <param name="forInstallingOrganization">For the installing organization's admins: without the app's own answers (excerpts).</param>
    public static DeliveryResponse From(WebhookDelivery delivery, IReadOnlyList<WebhookAttempt> attempts, bool withPayload = false,
        bool forInstallingOrganization = false) => new(
        delivery.MessageId,
        WebhookIds.Event(delivery.EventId),
        delivery.EventType,
        delivery.OrganizationId,
        delivery.InstallationId,
        delivery.Status.ToString().ToLowerInvariant(),
        Timestamps.Wire(delivery.CreatedAt),
        delivery.Status == WebhookDeliveryStatus.Pending ? Timestamps.Wire(delivery.NextAttemptAt) : null,
        delivery.DeliveredAt is { } delivered ? Timestamps.Wire(delivered) : null,
        delivery.LastStatusCode,
        delivery.LastError,
        [.. attempts.Select(a => AttemptResponse.From(a, withExcerpt: !forInstallingOrganization))],
        withPayload ? JsonSerializer.Deserialize<JsonElement>(delivery.Payload) : null);
}

public sealed record AttemptResponse(
    [property: JsonPropertyName("number")] int Number,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("succeeded")] bool Succeeded,
    [property: JsonPropertyName("status_code")] int? StatusCode,
    [property: JsonPropertyName("latency_ms")] int LatencyMs,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("response_excerpt")] string? ResponseExcerpt)
{
    public static AttemptResponse From(WebhookAttempt attempt, bool withExcerpt) => new(attempt.Number, Timestamps.Wire(attempt.StartedAt),
        attempt.Succeeded, attempt.StatusCode, attempt.LatencyMs, attempt.Error, withExcerpt ? attempt.ResponseExcerpt : null);
}

public sealed record DeliveryListResponse([property: JsonPropertyName("data")] IReadOnlyList<DeliveryResponse> Data);
