using Latchkey.Profiles;
using Latchkey.Scopes;

namespace Latchkey.Apps;

/// <summary>Checks a whole <see cref="AppDraft"/> and reports every problem at once, so a developer fixes them in one go.</summary>
public static class AppValidator
{
    private const int MaxRedirectUris = 20;
    private const int MaxNameLength = 100;
    private const int MaxDescriptionLength = 1000;
    private const string WebhooksScope = "webhooks:manage";

    public static Dictionary<string, string[]> Check(AppDraft draft, ProfileName profile, IReadOnlyList<ScopeDefinition> catalogue)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string reason) =>
            (errors.TryGetValue(field, out var list) ? list : errors[field] = []).Add(reason);

        if (string.IsNullOrWhiteSpace(draft.Name))
        {
            Add(AppFields.Name, "An app needs a name.");
        }
        else if (draft.Name.Length > MaxNameLength)
        {
            Add(AppFields.Name, $"The name can be at most {MaxNameLength} characters.");
        }
        if (draft.Description?.Length > MaxDescriptionLength)
        {
            Add(AppFields.Description, $"The description can be at most {MaxDescriptionLength} characters.");
        }
        CheckWebUrl(draft.WebsiteUrl, AppFields.WebsiteUrl, Add);
        CheckWebUrl(draft.LogoUrl, AppFields.LogoUrl, Add);
        CheckWebUrl(draft.WebhookUrl, AppFields.WebhookUrl, Add);

        if (draft.RedirectUris.Count == 0)
        {
            Add(AppFields.RedirectUris, "Register at least one redirect URI.");
        }
        else if (draft.RedirectUris.Count > MaxRedirectUris)
        {
            Add(AppFields.RedirectUris, $"At most {MaxRedirectUris} redirect URIs.");
        }
        foreach (var uri in draft.RedirectUris)
        {
            if (RedirectUriRules.Problem(uri, profile) is { } problem)
            {
                Add(AppFields.RedirectUris, problem);
            }
        }

        var known = catalogue.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var scope in draft.Scopes ?? [])
        {
            if (!known.Contains(scope))
            {
                Add(AppFields.Scopes, $"'{scope}' is not a scope of this server for {profile.ToWire()} apps; known scopes: {string.Join(", ", known)}.");
            }
        }
        if (draft.ActorModes is { Count: 0 })
        {
            Add(AppFields.ActorModes, "Allow at least one actor mode: self or app.");
        }
        foreach (var mode in draft.ActorModes ?? [])
        {
            if (!ActorMode.All.Contains(mode))
            {
                Add(AppFields.ActorModes, $"'{mode}' is not an actor mode; use self or app.");
            }
        }
        foreach (var webhookEvent in draft.WebhookEvents)
        {
            if (!IsEventName(webhookEvent))
            {
                Add(AppFields.WebhookEvents, $"'{webhookEvent}' is not an event name (letters, digits, '.', '_').");
            }
        }
        if (draft.WebhookEvents.Count > 0 && draft.WebhookUrl is null)
        {
            Add(AppFields.WebhookEvents, "Subscribing to events needs a webhook URL.");
        }
        // FeatureOS, "App Webhooks": webhook_url and subscribed events are accepted only with webhooks:manage declared.
        if (profile == ProfileName.FeatureOs && !(draft.Scopes ?? [.. known]).Contains(WebhooksScope, StringComparer.Ordinal))
        {
            if (draft.WebhookUrl is not null)
            {
                Add(AppFields.WebhookUrl, $"A webhook URL needs the {WebhooksScope} scope declared.");
            }
            if (draft.WebhookEvents.Count > 0)
            {
                Add(AppFields.WebhookEvents, $"Subscribing to events needs the {WebhooksScope} scope declared.");
            }
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }

    /// <summary>An event name: 1–100 letters, digits, '.' and '_' (<c>post_created</c>, <c>app.installed</c>).</summary>
    public static bool IsEventName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_');

    private static void CheckWebUrl(string? value, string field, Action<string, string> add)
    {
        if (value is null)
        {
            return;
        }
        if (value.Length > 2000
            || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && RedirectUriRules.IsLoopback(uri))))
        {
            add(field, $"'{value}' must be an absolute https URL.");
        }
    }
}
