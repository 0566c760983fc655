using Latchkey.Apps;
using Latchkey.Configuration;
using Latchkey.Portal;
using Latchkey.Scopes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Latchkey.Pages.Portal.Apps;

/// <summary>
/// One app, for an admin or owner of its organization: edit its settings, rotate and revoke secrets,
/// delete it. Every handler looks the app up again among the user's own organizations: an app of
/// another organization, or none, is 404; a plain member of the owning organization gets 403.
/// </summary>
public sealed class DetailsModel(PortalAccess access, AppRegistry registry, IOptions<LatchkeyOptions> options, ScopeCatalogues catalogues, TimeProvider clock) : PageModel
{
    public const string DeleteField = "delete";

    [BindProperty]
    public AppForm Form { get; set; } = new();

    public App App { get; private set; } = null!;

    public PortalMembership Membership { get; private set; } = null!;

    /// <summary>Why the settings were not saved, by field.</summary>
    public IReadOnlyDictionary<string, string[]> SettingsErrors { get; private set; } = FieldErrors.None;

    /// <summary>Why a rotation, revocation or deletion did not happen.</summary>
    public IReadOnlyDictionary<string, string[]> ActionErrors { get; private set; } = FieldErrors.None;

    /// <summary>Set by a rotation: the new secret, shown once in place of the page.</summary>
    public ShownSecret? Rotated { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public AppFormView FormView => new(Form, SettingsErrors, catalogues.For(App.Profile));

    public TimeSpan RotationOverlap => options.Value.SecretRotationOverlap;

    /// <summary>Newest first; expired ones are history nobody needs to act on.</summary>
    public IEnumerable<ClientSecret> LiveSecrets =>
        App.Secrets.Where(s => s.IsLiveAt(clock.GetUtcNow())).OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id);

    public async Task<IActionResult> OnGetAsync([FromRoute] string clientId, CancellationToken ct)
    {
        if (await LoadAsync(clientId, ct) is { } refusal)
        {
            return refusal;
        }
        Form = AppForm.From(App);
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync([FromRoute] string clientId, CancellationToken ct)
    {
        if (await LoadAsync(clientId, ct) is { } refusal)
        {
            return refusal;
        }
        var updated = await registry.UpdateAsync(App, Form.ToDraft(App.Profile), ct);
        if (!updated.IsValid)
        {
            SettingsErrors = updated.Errors;
            return Page();
        }
        Notice = "Changes saved.";
        return BackToNotice(clientId);
    }

    public async Task<IActionResult> OnPostRotateAsync([FromRoute] string clientId, CancellationToken ct)
    {
        if (await LoadAsync(clientId, ct) is { } refusal)
        {
            return refusal;
        }
        var rotated = await registry.RotateSecretAsync(App, ct);
        if (rotated.Value is not { } issued)
        {
            return Refused(rotated.Errors);
        }
        // Rendered here, not redirected to: the secret never travels in a URL or a cookie.
        ShownSecret.PreventCaching(Response);
        Rotated = new ShownSecret("New client secret", App.Name, App.ClientId, issued.Plaintext);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync([FromRoute] string clientId, long secretId, CancellationToken ct)
    {
        if (await LoadAsync(clientId, ct) is { } refusal)
        {
            return refusal;
        }
        var revoked = await registry.RevokeSecretAsync(App, secretId, ct);
        if (revoked.Value is not { } secret)
        {
            return Refused(revoked.Errors);
        }
        Notice = $"The secret ending in {secret.Hint} no longer works.";
        return BackToNotice(clientId);
    }

    public async Task<IActionResult> OnPostDeleteAsync([FromRoute] string clientId, bool confirm, CancellationToken ct)
    {
        if (await LoadAsync(clientId, ct) is { } refusal)
        {
            return refusal;
        }
        if (!confirm)
        {
            return Refused(new Dictionary<string, string[]> { [DeleteField] = ["Tick the box to confirm that the app should be deleted."] });
        }
        await registry.DeleteAsync(App, ct);
        Notice = $"Deleted {App.Name}.";
        return RedirectToPage("/Portal/Index");
    }

    /// <returns>Null when the user may manage the app, now in <see cref="App"/>; otherwise the refusal to send.</returns>
    private async Task<IActionResult?> LoadAsync(string clientId, CancellationToken ct)
    {
        var (found, refusal) = await access.FindManageableAppAsync(User, clientId, ct);
        if (found is null)
        {
            return StatusCode(refusal);
        }
        (App, Membership) = (found.App, found.Membership);
        return null;
    }

    /// <summary>Back to the app's page, scrolled to the notice: the form posted to a URL with its own
    /// section's fragment, and a browser keeps that fragment across a redirect that names none.</summary>
    private RedirectToPageResult BackToNotice(string clientId) =>
        RedirectToPage(pageName: null, pageHandler: null, routeValues: new { clientId }, fragment: "notice");

    /// <summary>The page again, with the settings as stored and the reasons an action did not happen.</summary>
    private PageResult Refused(IReadOnlyDictionary<string, string[]> errors)
    {
        Form = AppForm.From(App);
        ActionErrors = errors;
        return Page();
    }
}
