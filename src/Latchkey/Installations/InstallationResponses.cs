using System.Text.Json.Serialization;
using Latchkey.Management.Api;

namespace Latchkey.Installations;

/// <summary>An installation as the management API shows it to the organization the app is installed in.</summary>
public sealed record InstallationResponse
{
    [JsonPropertyName("id")] public required Guid Id { get; init; }
    [JsonPropertyName("app")] public required InstalledAppResponse App { get; init; }
    /// <summary><c>self</c> (on behalf of <see cref="User"/>) or <c>app</c> (as the app's own bot).</summary>
    [JsonPropertyName("actor")] public required string Actor { get; init; }
    /// <summary>The user a <c>self</c> installation acts for; null for <c>app</c>.</summary>
    [JsonPropertyName("user")] public required PersonResponse? User { get; init; }
    /// <summary>The scopes granted at consent: what the installation's tokens may do.</summary>
    [JsonPropertyName("scopes")] public required IReadOnlyList<string> Scopes { get; init; }
    /// <summary>Who consented; null when no user did (client credentials install the app in its own organization).</summary>
    [JsonPropertyName("installed_by")] public required PersonResponse? InstalledBy { get; init; }
    [JsonPropertyName("created_at")] public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Changes when a later consent grants a different set of scopes.</summary>
    [JsonPropertyName("updated_at")] public required DateTimeOffset UpdatedAt { get; init; }
    [JsonPropertyName("last_used_at")] public required DateTimeOffset? LastUsedAt { get; init; }
    /// <summary>Null while the installation is live; listed only with <c>?include=revoked</c>.</summary>
    [JsonPropertyName("revoked_at")] public required DateTimeOffset? RevokedAt { get; init; }

    public static InstallationResponse From(InstallationView installation) => new()
    {
        Id = installation.Id,
        App = new InstalledAppResponse(installation.App.ClientId, installation.App.Name, installation.App.OwnerOrganizationName),
        Actor = installation.ActorMode,
        User = PersonResponse.From(installation.User),
        Scopes = installation.Scopes,
        InstalledBy = PersonResponse.From(installation.InstalledBy),
        CreatedAt = Timestamps.Wire(installation.CreatedAt),
        UpdatedAt = Timestamps.Wire(installation.UpdatedAt),
        LastUsedAt = installation.LastUsedAt is { } used ? Timestamps.Wire(used) : null,
        RevokedAt = installation.RevokedAt is { } revoked ? Timestamps.Wire(revoked) : null,
    };
}

/// <summary>The installed app: its public handle, its name, and the organization that owns it.</summary>
public sealed record InstalledAppResponse(
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("owner_organization_name")] string OwnerOrganizationName);

/// <summary>A user; <c>email</c> is null when the account no longer exists.</summary>
public sealed record PersonResponse(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("email")] string? Email)
{
    public static PersonResponse? From(Person? person) => person is null ? null : new(person.Id, person.Email);
}

public sealed record InstallationListResponse([property: JsonPropertyName("data")] IReadOnlyList<InstallationResponse> Data);
