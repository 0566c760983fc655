using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Latchkey.Apps;
using Latchkey.Profiles;
using Latchkey.Webhooks;

namespace Latchkey.Management.Api;

/// <summary>An app as the management API shows it. Never a secret or a hash: plaintext secrets appear only in
/// <see cref="CreatedAppResponse"/> and <see cref="RotatedSecretResponse"/>, once (DESIGN.md rule 4).</summary>
public record AppResponse
{
    [JsonPropertyName("id")] public required long Id { get; init; }
    [JsonPropertyName("client_id")] public required string ClientId { get; init; }
    [JsonPropertyName(AppFields.Name)] public required string Name { get; init; }
    [JsonPropertyName(AppFields.Description)] public required string? Description { get; init; }
    [JsonPropertyName(AppFields.WebsiteUrl)] public required string? WebsiteUrl { get; init; }
    [JsonPropertyName(AppFields.LogoUrl)] public required string? LogoUrl { get; init; }
    [JsonPropertyName(AppFields.RedirectUris)] public required IReadOnlyList<string> RedirectUris { get; init; }
    [JsonPropertyName(AppFields.Scopes)] public required IReadOnlyList<string> Scopes { get; init; }
    [JsonPropertyName(AppFields.ActorModes)] public required IReadOnlyList<string> ActorModes { get; init; }
    [JsonPropertyName(AppFields.WebhookUrl)] public required string? WebhookUrl { get; init; }
    [JsonPropertyName(AppFields.WebhookEvents)] public required IReadOnlyList<string> WebhookEvents { get; init; }
    [JsonPropertyName(CreateAppRequest.PublicField)] public required bool Public { get; init; }
    [JsonPropertyName(CreateAppRequest.ProfileField)] public required string Profile { get; init; }
    /// <summary><c>active</c> or <c>suspended</c>.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    [JsonPropertyName("updated_at")] public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The live secrets: one, or two while a rotation's overlap runs. Empty for a public client.</summary>
    [JsonPropertyName("secrets")] public required IReadOnlyList<SecretResponse> Secrets { get; init; }

    public static AppResponse From(App app, DateTimeOffset now) => new()
    {
        Id = app.Id,
        ClientId = app.ClientId,
        Name = app.Name,
        Description = app.Description,
        WebsiteUrl = app.WebsiteUrl,
        LogoUrl = app.LogoUrl,
        RedirectUris = app.RedirectUris,
        Scopes = app.AllowedScopes,
        ActorModes = app.AllowedActorModes,
        WebhookUrl = app.WebhookUrl,
        WebhookEvents = app.WebhookEvents,
        Public = app.IsPublic,
        Profile = app.Profile.ToWire(),
        Status = app.Status.ToString().ToLowerInvariant(),
        CreatedAt = Timestamps.Wire(app.CreatedAt),
        UpdatedAt = Timestamps.Wire(app.UpdatedAt),
        Secrets = [.. app.Secrets.Where(s => s.IsLiveAt(now)).OrderBy(s => s.Id).Select(SecretResponse.From)],
    };
}

/// <summary>A secret's public facts, a client secret's or a webhook signing secret's: which one it is and how long it
/// lives. <c>expires_at</c> is null for the current secret.</summary>
public sealed record SecretResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("hint")] string Hint,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt)
{
    public static SecretResponse From(ClientSecret secret) => From(secret.Id, secret.Hint, secret.CreatedAt, secret.ExpiresAt);

    public static SecretResponse From(WebhookSigningSecret secret) => From(secret.Id, secret.Hint, secret.CreatedAt, secret.ExpiresAt);

    private static SecretResponse From(long id, string hint, DateTimeOffset createdAt, DateTimeOffset? expiresAt) =>
        new(id, hint, Timestamps.Wire(createdAt), expiresAt is { } expires ? Timestamps.Wire(expires) : null);
}

/// <summary>The answer to creating an app: the app, for a confidential client its secret, and its webhook signing
/// secret, shown this once.</summary>
public sealed record CreatedAppResponse : AppResponse
{
    [SetsRequiredMembers]
    public CreatedAppResponse(AppResponse app, string? clientSecret, string webhookSecret) : base(app)
    {
        ClientSecret = clientSecret;
        WebhookSecret = webhookSecret;
    }

    /// <summary>Null for a public client.</summary>
    [JsonPropertyName("client_secret")] public string? ClientSecret { get; }

    /// <summary>The <c>whsec_…</c> key deliveries are signed with (README "Webhooks").</summary>
    [JsonPropertyName("webhook_secret")] public string WebhookSecret { get; }
}

/// <summary>The answer to a rotation: the new secret, shown this once, and the old one with the end of its overlap.</summary>
public sealed record RotatedSecretResponse(
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("client_secret")] string ClientSecret,
    [property: JsonPropertyName("secret")] SecretResponse Secret,
    [property: JsonPropertyName("previous_secret")] SecretResponse? PreviousSecret);

public sealed record AppListResponse([property: JsonPropertyName("data")] IReadOnlyList<AppResponse> Data);

/// <summary>
/// Times as the API shows them: UTC, whole milliseconds. The databases keep less than the clock gives
/// (SQLite's 64-bit form 0.1 ms, PostgreSQL 1 µs, both by truncation), so an unrounded value would read
/// differently in the answer to a POST and in a later GET. Milliseconds survive both.
/// </summary>
internal static class Timestamps
{
    public static DateTimeOffset Wire(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return utc.AddTicks(-(utc.Ticks % TimeSpan.TicksPerMillisecond));
    }
}
