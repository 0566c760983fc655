using Latchkey.Apps;
using Latchkey.Profiles;

namespace Latchkey.Portal;

/// <summary>
/// The app form as a browser posts it: lists as text, one item per line. It only reshapes input
/// into an <see cref="AppDraft"/>; <see cref="AppRegistry"/> does all the checking, and its errors,
/// keyed by <see cref="AppFields"/>, are shown next to the matching fields.
/// </summary>
public sealed class AppForm
{
    /// <summary>The key of an unknown profile's error; the registry never sees one.</summary>
    public const string ProfileField = "profile";

    private static readonly char[] LineBreaks = ['\r', '\n'];
    private static readonly char[] EventSeparators = [',', '\r', '\n'];

    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? WebsiteUrl { get; set; }
    public string? LogoUrl { get; set; }
    /// <summary>One redirect URI per line.</summary>
    public string? RedirectUris { get; set; }
    public IList<string> Scopes { get; } = [];
    public IList<string> ActorModes { get; } = [];
    public string? WebhookUrl { get; set; }
    /// <summary>Event names separated by commas or line breaks.</summary>
    public string? WebhookEvents { get; set; }
    public bool IsPublic { get; set; }
    /// <summary>The profile's wire name; only asked for when an app is created.</summary>
    public string? Profile { get; set; }

    /// <summary>The form a new app starts from: acting as the consenting user, the deployment's profile.</summary>
    public static AppForm Blank(ProfileName profile)
    {
        var form = new AppForm { Profile = profile.ToWire() };
        form.ActorModes.Add(ActorMode.Self);
        return form;
    }

    public static AppForm From(App app)
    {
        var form = new AppForm
        {
            Name = app.Name,
            Description = app.Description,
            WebsiteUrl = app.WebsiteUrl,
            LogoUrl = app.LogoUrl,
            RedirectUris = string.Join('\n', app.RedirectUris),
            WebhookUrl = app.WebhookUrl,
            WebhookEvents = string.Join(", ", app.WebhookEvents),
            IsPublic = app.IsPublic,
            Profile = app.Profile.ToWire(),
        };
        foreach (var scope in app.AllowedScopes)
        {
            form.Scopes.Add(scope);
        }
        foreach (var mode in app.AllowedActorModes)
        {
            form.ActorModes.Add(mode);
        }
        return form;
    }

    /// <summary>Scopes and actor modes are always explicit here: an unticked box means "not allowed",
    /// never the registry's "everything" default for an omitted list.</summary>
    public AppDraft ToDraft(ProfileName profile) => new()
    {
        Name = Name ?? "",
        Description = Description,
        WebsiteUrl = WebsiteUrl,
        LogoUrl = LogoUrl,
        RedirectUris = Split(RedirectUris, LineBreaks),
        Scopes = [.. Scopes],
        ActorModes = [.. ActorModes],
        WebhookUrl = WebhookUrl,
        WebhookEvents = Split(WebhookEvents, EventSeparators),
        IsPublic = IsPublic,
        Profile = profile,
    };

    private static string[] Split(string? text, char[] separators) =>
        (text ?? "").Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
