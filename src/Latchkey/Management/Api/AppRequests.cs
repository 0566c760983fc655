using System.Text.Json.Serialization;
using Latchkey.Apps;
using Latchkey.Profiles;
using Latchkey.Validation;

namespace Latchkey.Management.Api;

/// <summary>
/// The settings of an app as a client sends them; wire names are the <see cref="AppFields"/> names, so a
/// validation error names exactly the field the client wrote. Profile and client type are not here: they
/// are fixed at creation (<see cref="CreateAppRequest"/>).
/// </summary>
public record AppSettingsRequest
{
    [JsonPropertyName(AppFields.Name)] public string? Name { get; init; }
    [JsonPropertyName(AppFields.Description)] public string? Description { get; init; }
    [JsonPropertyName(AppFields.WebsiteUrl)] public string? WebsiteUrl { get; init; }
    [JsonPropertyName(AppFields.LogoUrl)] public string? LogoUrl { get; init; }
    [JsonPropertyName(AppFields.RedirectUris)] public IReadOnlyList<string>? RedirectUris { get; init; }
    /// <summary>Omitted on create or PUT: every scope of the server's catalogue.</summary>
    [JsonPropertyName(AppFields.Scopes)] public IReadOnlyList<string>? Scopes { get; init; }
    /// <summary>Omitted on create or PUT: <c>self</c> only.</summary>
    [JsonPropertyName(AppFields.ActorModes)] public IReadOnlyList<string>? ActorModes { get; init; }
    [JsonPropertyName(AppFields.WebhookUrl)] public string? WebhookUrl { get; init; }
    [JsonPropertyName(AppFields.WebhookEvents)] public IReadOnlyList<string>? WebhookEvents { get; init; }

    /// <summary>Create and PUT: the whole settings; what is omitted takes the value a new app gets.</summary>
    public AppDraft ToDraft() => new()
    {
        Name = Name ?? "",
        Description = Description,
        WebsiteUrl = WebsiteUrl,
        LogoUrl = LogoUrl,
        RedirectUris = RedirectUris ?? [],
        Scopes = Scopes,
        ActorModes = ActorModes,
        WebhookUrl = WebhookUrl,
        WebhookEvents = WebhookEvents ?? [],
    };

    /// <summary>PATCH: fields sent replace the app's, fields omitted or null keep theirs. An empty string clears
    /// a text field and an empty list clears a list (where the rules allow it to be empty).</summary>
    public AppDraft MergeInto(App app)
    {
        var current = AppDraft.From(app);
        return current with
        {
            Name = Name ?? current.Name,
            Description = Description ?? current.Description,
            WebsiteUrl = WebsiteUrl ?? current.WebsiteUrl,
            LogoUrl = LogoUrl ?? current.LogoUrl,
            RedirectUris = RedirectUris ?? current.RedirectUris,
            Scopes = Scopes ?? current.Scopes,
            ActorModes = ActorModes ?? current.ActorModes,
            WebhookUrl = WebhookUrl ?? current.WebhookUrl,
            WebhookEvents = WebhookEvents ?? current.WebhookEvents,
        };
    }
}

/// <summary><c>POST /api/v1/apps</c>: the settings plus what cannot change later.</summary>
public sealed record CreateAppRequest : AppSettingsRequest
{
    public const string ProfileField = "profile";
    public const string PublicField = "public";

    /// <summary>A public client (RFC 6749 §2.1) gets no secret and must use PKCE.</summary>
    [JsonPropertyName(PublicField)] public bool Public { get; init; }
    /// <summary>The wire profile (standard, featureos, fub, fillout, onboardbase); omitted: the deployment's default.</summary>
    [JsonPropertyName(ProfileField)] public string? Profile { get; init; }

    /// <summary>The new app's draft, or why <see cref="Profile"/> names no profile. The rest is the registry's to check.</summary>
    public Validated<AppDraft> ToCreateDraft()
    {
        ProfileName? profile = null;
        if (Profile is not null)
        {
            if (!ProfileNames.TryParse(Profile, out var parsed))
            {
                return Validated<AppDraft>.Fail(ProfileField, $"'{Profile}' is not a profile; use one of {ProfileNames.WireList}.");
            }
            profile = parsed;
        }
        return Validated<AppDraft>.Ok(ToDraft() with { IsPublic = Public, Profile = profile });
    }
}
