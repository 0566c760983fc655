using System.Globalization;
using System.Text.Json.Serialization;
using Latchkey.Apps;

namespace Latchkey.Profiles.Fub;

/// <summary><c>POST /v1/oauthApps</c> (seed 000). The seed sends only <c>redirectUris</c>; <c>name</c> is optional.</summary>
public sealed record FubCreateAppRequest(
    [property: JsonPropertyName("redirectUris")] IReadOnlyList<string?>? RedirectUris,
    [property: JsonPropertyName("name")] string? Name);

/// <summary><c>PUT /v1/oauthApps</c> (seed 000). <c>clientId</c> is Latchkey's addition: the seed names no app
/// (see <see cref="FubAppEndpoints"/> for how one is chosen without it).</summary>
public sealed record FubUpdateAppRequest(
    [property: JsonPropertyName("redirectUris")] IReadOnlyList<string?>? RedirectUris,
    [property: JsonPropertyName("clientId")] string? ClientId);

/// <summary>The seed's "Example output" of a create, field for field; the only response that ever carries the secret.</summary>
public sealed record FubCreatedApp(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("redirectUris")] IReadOnlyList<string> RedirectUris,
    [property: JsonPropertyName("clientId")] string ClientId,
    [property: JsonPropertyName("clientSecret")] string ClientSecret,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("createdAt")] string CreatedAt,
    [property: JsonPropertyName("updatedAt")] string UpdatedAt)
{
    public static FubCreatedApp From(App app, IssuedSecret secret) => new(
        app.Id, app.Name, app.RedirectUris, app.ClientId, secret.Plaintext, (int)app.Status,
        FubTime.Format(app.CreatedAt), FubTime.Format(app.UpdatedAt));
}

/// <summary>The seed's "Example output" of an update: the client id and the new redirect URIs, never the secret.</summary>
public sealed record FubUpdatedApp(
    [property: JsonPropertyName("clientId")] string ClientId,
    [property: JsonPropertyName("redirectUris")] IReadOnlyList<string> RedirectUris);

public static class FubTime
{
    /// <summary>FUB's timestamps, <c>2025-01-27T24:59:59Z</c> in seed 000 (PHP's <c>Y-m-d\TH:i:s\Z</c>): UTC, whole seconds.</summary>
    public static string Format(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
