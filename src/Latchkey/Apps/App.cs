using Latchkey.Profiles;

namespace Latchkey.Apps;

/// <summary>A registered OAuth client. <see cref="Id"/> is a number because FUB's app resource shows one (seed 000);
/// the public handle everywhere else is <see cref="ClientId"/>.</summary>
public sealed class App
{
    public long Id { get; init; }
    public required Guid OrganizationId { get; init; }
    /// <summary>The FUB Registered System that created the app over <c>/v1/oauthApps</c> (seed 000), if any.</summary>
    public Guid? RegisteredSystemId { get; init; }
    public required string ClientId { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public string? WebsiteUrl { get; set; }
    public string? LogoUrl { get; set; }
    public List<string> RedirectUris { get; set; } = [];
    public List<string> AllowedScopes { get; set; } = [];
    public List<string> AllowedActorModes { get; set; } = [ActorMode.Self];
    public string? WebhookUrl { get; set; }
    public List<string> WebhookEvents { get; set; } = [];
    /// <summary>A public client (RFC 6749 §2.1) has no secret and must use PKCE.</summary>
    public bool IsPublic { get; init; }
    public required ProfileName Profile { get; init; }
    public AppStatus Status { get; set; } = AppStatus.Active;
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public List<ClientSecret> Secrets { get; init; } = [];
}
