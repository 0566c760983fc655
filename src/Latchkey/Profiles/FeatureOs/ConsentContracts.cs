using System.Text.Json.Serialization;
using Latchkey.Portal;
using Latchkey.Protocol.Authorize;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Profiles.FeatureOs;

/// <summary>
/// The consent metadata of <c>GET /oauth/authorize</c> with <c>Accept: application/json</c> (FACTS.md
/// "FeatureOS", "Authorize"): what the HTML consent screen shows, as data, for a frontend that draws its own.
/// Field names follow FeatureOS's API reference (<c>scopes</c> plus <c>scope_details</c>, <c>eligible_organizations</c>).
/// </summary>
public sealed record ConsentMetadata(
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("app")] ConsentApp App,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("redirect_uri")] string RedirectUri,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("scope_details")] IReadOnlyDictionary<string, string> ScopeDetails,
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("eligible_organizations")] IReadOnlyList<ConsentOrganization> EligibleOrganizations)
{
    public static ConsentMetadata From(AskConsent consent, IReadOnlyDictionary<string, string> descriptions)
    {
        var authorization = consent.Authorization;
        var app = authorization.App;
        return new ConsentMetadata(
            app.ClientId,
            // URLs as the consent page uses them: https only, so a frontend cannot be handed a javascript: link.
            new ConsentApp(app.Name, app.Description, SafeUrl.Https(app.LogoUrl), SafeUrl.Https(app.WebsiteUrl), consent.Owner.Name),
            authorization.Actor,
            authorization.RedirectUri,
            authorization.Scopes,
            authorization.Scopes.ToDictionary(s => s, s => descriptions.GetValueOrDefault(s, s), StringComparer.Ordinal),
            authorization.State,
            [.. consent.Organizations.Select(o => new ConsentOrganization(
                o.Organization.Id, o.Organization.Name, FeatureOsSubdomain.Of(o.Organization),
                o.Role.ToString().ToLowerInvariant(), o.GrantableScopes))]);
    }
}

/// <param name="Owner">The name of the organization that made the app (seed 004, "Owner organization").</param>
public sealed record ConsentApp(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("logo_url")] string? LogoUrl,
    [property: JsonPropertyName("website_url")] string? WebsiteUrl,
    [property: JsonPropertyName("owner")] string Owner);

/// <summary>
/// An organization the user may install the app into. <c>grantable_scopes</c> is what the user's role there
/// lets them grant of the request (<see cref="RoleScopeCap"/>): all of it, or for a member and actor
/// <c>self</c>, the read scopes only. Consenting into it grants exactly that.
/// </summary>
public sealed record ConsentOrganization(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("subdomain")] string? Subdomain,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("grantable_scopes")] IReadOnlyList<string> GrantableScopes);

/// <summary>
/// Where the frontend sends the browser next: the client's redirect URI with the authorization response
/// (code and state, or an error and state) and <c>iss</c>, exactly the Location the HTML endpoint would redirect to.
/// When it carries an error, the error is named here too, so the frontend can tell without parsing the URL.
/// </summary>
public sealed record ConsentRedirect(
    [property: JsonPropertyName("redirect_to")] string RedirectTo,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonPropertyName("error_description"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ErrorDescription);

/// <summary>
/// An answer that sends the browser nowhere: the request cannot be trusted with a redirect (RFC 6749
/// §4.1.2.1), the user must sign in first (<c>login_required</c>, with where to do it), or the consent
/// request itself is malformed. RFC 6749's error names, so a client handles it like any OAuth error.
/// </summary>
public sealed record ConsentError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription,
    [property: JsonPropertyName("login_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LoginUrl = null);

/// <summary>
/// <c>POST /oauth/authorize/consent</c> (FACTS.md "FeatureOS", "Consent"): the authorization request again,
/// as JSON, with the user's answer. The request fields are read by the same parser as the query of
/// <c>GET /oauth/authorize</c> and validated from scratch; only <c>decision</c>, <c>target_organization_id</c>
/// and <c>granted_webhook_events</c> are the user's own choice.
/// </summary>
public sealed record ConsentRequest
{
    public const string Approve = "approve";
    public const string Deny = "deny";

    [JsonPropertyName("client_id")] public string? ClientId { get; init; }
    [JsonPropertyName("redirect_uri")] public string? RedirectUri { get; init; }
    [JsonPropertyName("response_type")] public string? ResponseType { get; init; }
    [JsonPropertyName("scope")] public string? Scope { get; init; }
    [JsonPropertyName("actor")] public string? Actor { get; init; }
    [JsonPropertyName("state")] public string? State { get; init; }
    [JsonPropertyName("code_challenge")] public string? CodeChallenge { get; init; }
    [JsonPropertyName("code_challenge_method")] public string? CodeChallengeMethod { get; init; }
    [JsonPropertyName("target_organization_id")] public Guid? TargetOrganizationId { get; init; }
    /// <summary>Omitted: every event the app subscribed to (FeatureOS, "App Webhooks").</summary>
    [JsonPropertyName("granted_webhook_events")] public IReadOnlyList<string>? GrantedWebhookEvents { get; init; }
    /// <summary><c>approve</c> (the default: FeatureOS's consent call is an approval) or <c>deny</c>.</summary>
    [JsonPropertyName("decision")] public string? Decision { get; init; }

    /// <summary>The authorization request's parameters as the query of <c>GET /oauth/authorize</c> would carry them.</summary>
    public IEnumerable<KeyValuePair<string, StringValues>> AuthorizationParameters()
    {
        (string Name, string? Value)[] fields =
        [
            ("client_id", ClientId), ("redirect_uri", RedirectUri), ("response_type", ResponseType), ("scope", Scope),
            ("actor", Actor), ("state", State), ("code_challenge", CodeChallenge), ("code_challenge_method", CodeChallengeMethod),
        ];
        return fields.Where(f => f.Value is not null).Select(f => KeyValuePair.Create(f.Name, new StringValues(f.Value)));
    }
}
