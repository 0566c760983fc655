namespace Latchkey.Portal;

/// <summary>A client id and, for a confidential client, a secret's plaintext at the one moment it is shown
/// (DESIGN.md rule 4), and a new webhook signing secret likewise. It is rendered into the POST response itself:
/// never put in a URL, TempData or a redirect, where it would outlive the page.</summary>
public sealed record ShownSecret(string Heading, string AppName, string ClientId, string? Secret, string? WebhookSecret = null)
{
    /// <summary>Keeps the page out of browser and proxy caches: the back button must not bring the secret back.</summary>
    public static void PreventCaching(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
    }
}
