using System.Globalization;
using Latchkey.Apps;
using Latchkey.Installations;

namespace Latchkey.Portal;

/// <summary>How the pages put an installation's facts into words. Razor encodes every value it is given.</summary>
public static class InstallationWording
{
    /// <summary>The actor mode in plain words (FeatureOS seed 004, "Key concepts").</summary>
    public static string Actor(InstallationView installation) => installation.ActorMode switch
    {
        ActorMode.App => "As the app itself (its own bot identity)",
        _ => $"On behalf of {installation.User?.Email ?? "a deleted user"}",
    };

    public static string InstalledBy(InstallationView installation) =>
        installation.InstalledBy is { } person ? person.Email ?? "a deleted user" : "the app itself (client credentials)";

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "never";
}
