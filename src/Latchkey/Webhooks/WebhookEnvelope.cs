using System.Text.Json;
using System.Text.Json.Serialization;

namespace Latchkey.Webhooks;

/// <summary>
/// The body of every delivery: FeatureOS's <c>{type, data, created}</c> (FACTS.md "FeatureOS", "Webhooks"; <c>created</c>
/// in Unix seconds) with the event's id and the organization and installation it is about. <c>data.object</c> names
/// what <c>data</c> describes.
/// </summary>
public sealed record WebhookEnvelope(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("organization_id")] Guid OrganizationId,
    [property: JsonPropertyName("installation_id")] Guid InstallationId,
    [property: JsonPropertyName("data")] JsonElement Data)
{
    public string ToJson() => JsonSerializer.Serialize(this);
}
