using Latchkey.Profiles;

namespace Latchkey.Apps;

/// <summary>What a developer asks an app to be, before it is checked. Field names in <see cref="AppFields"/>.</summary>
public sealed record AppDraft
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public string? WebsiteUrl { get; init; }
    public string? LogoUrl { get; init; }
    public IReadOnlyList<string> RedirectUris { get; init; } = [];
    /// <summary>Null: every scope of the catalogue.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }
    /// <summary>Null: <c>self</c> only.</summary>
    public IReadOnlyList<string>? ActorModes { get; init; }
    public string? WebhookUrl { get; init; }
    public IReadOnlyList<string> WebhookEvents { get; init; } = [];
    public bool IsPublic { get; init; }
    /// <summary>Null: the deployment's default profile.</summary>
    public ProfileName? Profile { get; init; }

    public static AppDraft From(App app) => new()
    {
        Name = app.Name,
        Description = app.Description,
        WebsiteUrl = app.WebsiteUrl,
        LogoUrl = app.LogoUrl,
        RedirectUris = app.RedirectUris,
        Scopes = app.AllowedScopes,
        ActorModes = app.AllowedActorModes,
        WebhookUrl = app.WebhookUrl,
        WebhookEvents = app.WebhookEvents,
        IsPublic = app.IsPublic,
        Profile = app.Profile,
    };
}

/// <summary>The names validation errors are keyed by; an API whose wire names differ maps them.</summary>
public static class AppFields
{
    public const string Name = "name";
    public const string Description = "description";
    public const string WebsiteUrl = "website_url";
    public const string LogoUrl = "logo_url";
    public const string RedirectUris = "redirect_uris";
    public const string Scopes = "scopes";
    public const string ActorModes = "actor_modes";
    public const string WebhookUrl = "webhook_url";
    public const string WebhookEvents = "webhook_events";
    public const string Secret = "secret";
}
