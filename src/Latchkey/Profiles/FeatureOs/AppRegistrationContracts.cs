using System.Text.Json.Serialization;
using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Validation;

namespace Latchkey.Profiles.FeatureOs;

/// <summary>
/// <c>POST /oauth/apps</c>'s body (FACTS.md "FeatureOS", "Register"): FeatureOS's field names for the settings
/// <see cref="AppRegistry"/> checks. <c>description</c>, <c>logo_url</c> and <c>website_url</c> are Latchkey's
/// additions: the consent metadata shows an app's description and logo, so they must be settable somewhere.
/// </summary>
public sealed record AppRegistrationRequest
{
    public const string RedirectUrisField = "redirect_uris";
    public const string ActorModesField = "allowed_actor_modes";
    public const string ScopesField = "declared_scopes";
    public const string WebhookEventsField = "subscribed_webhook_events";

    [JsonPropertyName(AppFields.Name)] public string? Name { get; init; }
    [JsonPropertyName(RedirectUrisField)] public IReadOnlyList<string?>? RedirectUris { get; init; }
    [JsonPropertyName(ActorModesField)] public IReadOnlyList<string?>? AllowedActorModes { get; init; }
    [JsonPropertyName(ScopesField)] public IReadOnlyList<string?>? DeclaredScopes { get; init; }
    [JsonPropertyName(AppFields.WebhookUrl)] public string? WebhookUrl { get; init; }
    [JsonPropertyName(WebhookEventsField)] public IReadOnlyList<string?>? SubscribedWebhookEvents { get; init; }
    [JsonPropertyName(AppFields.Description)] public string? Description { get; init; }
    [JsonPropertyName(AppFields.LogoUrl)] public string? LogoUrl { get; init; }
    [JsonPropertyName(AppFields.WebsiteUrl)] public string? WebsiteUrl { get; init; }

    /// <summary>
    /// The draft of a FeatureOS app, or what is missing. FeatureOS marks name, redirect_uris,
    /// allowed_actor_modes and declared_scopes required (only webhook_url and subscribed_webhook_events
    /// carry a "?"), so Latchkey's defaults for an omitted scope list or actor list do not apply here.
    /// </summary>
    public Validated<AppDraft> ToDraft()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Require(string field, object? value)
        {
            if (value is null)
            {
                errors[field] = [$"{field} is required."];
            }
        }
        Require(AppFields.Name, Name);
        Require(RedirectUrisField, RedirectUris);
        Require(ActorModesField, AllowedActorModes);
        Require(ScopesField, DeclaredScopes);
        foreach (var (field, list) in new[] { (RedirectUrisField, RedirectUris), (ActorModesField, AllowedActorModes),
                     (ScopesField, DeclaredScopes), (WebhookEventsField, SubscribedWebhookEvents) })
        {
            if (list?.Any(v => v is null) == true)
            {
                errors[field] = [$"{field} must be an array of strings."];
            }
        }
        if (errors.Count > 0)
        {
            return Validated<AppDraft>.Fail(errors);
        }
        return Validated<AppDraft>.Ok(new AppDraft
        {
            Name = Name!,
            Description = Description,
            WebsiteUrl = WebsiteUrl,
            LogoUrl = LogoUrl,
            RedirectUris = [.. RedirectUris!.Select(v => v!)],
            Scopes = [.. DeclaredScopes!.Select(v => v!)],
            ActorModes = [.. AllowedActorModes!.Select(v => v!)],
            WebhookUrl = WebhookUrl,
            WebhookEvents = [.. (SubscribedWebhookEvents ?? []).Select(v => v!)],
            Profile = ProfileName.FeatureOs,
        });
    }

    /// <summary><see cref="AppRegistry"/>'s errors under the names this request used.</summary>
    public static Dictionary<string, string[]> WireErrors(IReadOnlyDictionary<string, string[]> errors) =>
        errors.ToDictionary(e => e.Key switch
        {
            AppFields.Scopes => ScopesField,
            AppFields.ActorModes => ActorModesField,
            AppFields.WebhookEvents => WebhookEventsField,
            _ => e.Key,
        }, e => e.Value, StringComparer.Ordinal);
}

/// <summary>The registered app, with its <c>client_secret</c>: the one answer that ever shows it (seed 004, "Token formats").</summary>
public sealed record RegisteredApp(
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("client_secret")] string ClientSecret,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("logo_url")] string? LogoUrl,
    [property: JsonPropertyName("website_url")] string? WebsiteUrl,
    [property: JsonPropertyName("redirect_uris")] IReadOnlyList<string> RedirectUris,
    [property: JsonPropertyName("allowed_actor_modes")] IReadOnlyList<string> AllowedActorModes,
    [property: JsonPropertyName("declared_scopes")] IReadOnlyList<string> DeclaredScopes,
    [property: JsonPropertyName("webhook_url")] string? WebhookUrl,
    [property: JsonPropertyName("subscribed_webhook_events")] IReadOnlyList<string> SubscribedWebhookEvents,
    [property: JsonPropertyName("owner_organization")] FeatureOsOrganization OwnerOrganization,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("webhook_secret")] string WebhookSecret)
{
    /// <param name="webhookSecret">The signing key of its deliveries (README "Webhooks"), shown this once like the client secret.</param>
    public static RegisteredApp From(App app, string secret, string webhookSecret, Organization owner) => new(
        app.ClientId, secret, app.Name, app.Description, app.LogoUrl, app.WebsiteUrl, app.RedirectUris, app.AllowedActorModes,
        app.AllowedScopes, app.WebhookUrl, app.WebhookEvents, FeatureOsOrganization.From(owner), app.CreatedAt, webhookSecret);
}

/// <summary>An organization as FeatureOS shows one (session_info's <c>organization</c>): id, subdomain, name.</summary>
public sealed record FeatureOsOrganization(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("subdomain")] string? Subdomain,
    [property: JsonPropertyName("name")] string Name)
{
    public static FeatureOsOrganization From(Organization organization) =>
        new(organization.Id, FeatureOsSubdomain.Of(organization), organization.Name);
}
