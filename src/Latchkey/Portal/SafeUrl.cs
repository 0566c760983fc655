namespace Latchkey.Portal;

/// <summary>URLs a developer typed, before they become an <c>href</c> or <c>src</c>. Razor encodes them
/// as text, but encoding does not stop a <c>javascript:</c> or tracking <c>http:</c> URL from working.</summary>
public static class SafeUrl
{
    /// <summary>The value when it is an absolute https URL, else null: logos load only over https.</summary>
    public static string? Https(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? value : null;
}
