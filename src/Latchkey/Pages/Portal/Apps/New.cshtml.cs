using Latchkey.Apps;
using Latchkey.Configuration;
using Latchkey.Portal;
using Latchkey.Profiles;
using Latchkey.Scopes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Latchkey.Pages.Portal.Apps;

/// <summary>Registers an app in an organization the user administers, then shows its secret once.</summary>
public sealed class NewModel(PortalAccess access, AppRegistry registry, IOptions<LatchkeyOptions> options, ScopeCatalogues catalogues) : PageModel
{
    [BindProperty]
    public Guid OrganizationId { get; set; }

    [BindProperty]
    public AppForm Form { get; set; } = new();

    /// <summary>The organizations where the user is an admin or owner: the only ones an app can be created in.</summary>
    public IReadOnlyList<PortalMembership> Manageable { get; private set; } = [];

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = FieldErrors.None;

    public ShownSecret? Created { get; private set; }

    /// <summary>The profile the form is for: its catalogue is the scopes offered.</summary>
    public ProfileName FormProfile => ProfileNames.TryParse(Form.Profile, out var profile) ? profile : options.Value.Profile;

    public AppFormView FormView => new(Form, Errors, catalogues.For(FormProfile));

    /// <param name="profile">The profile to start from (<c>?profile=onboardbase</c>); the deployment's when absent or unknown.</param>
    public async Task<IActionResult> OnGetAsync(Guid? org, string? profile, CancellationToken ct)
    {
        if (!await LoadManageableAsync(ct))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        OrganizationId = Manageable.Any(m => m.Organization.Id == org) ? org!.Value : Manageable[0].Organization.Id;
        Form = AppForm.Blank(ProfileNames.TryParse(profile, out var chosen) ? chosen : options.Value.Profile);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // The select only offers these, but the check that counts is this one, on the server.
        if (!await LoadManageableAsync(ct) || !Manageable.Any(m => m.Organization.Id == OrganizationId))
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        if (!ProfileNames.TryParse(Form.Profile, out var profile))
        {
            Errors = new Dictionary<string, string[]> { [AppForm.ProfileField] = [$"Choose one of {ProfileNames.WireList}."] };
            return Page();
        }
        var created = await registry.CreateAsync(OrganizationId, Form.ToDraft(profile), ct);
        if (created.Value is not { } result)
        {
            Errors = created.Errors;
            return Page();
        }
        // Rendered here, not redirected to: the secret never travels in a URL or a cookie.
        ShownSecret.PreventCaching(Response);
        Created = new ShownSecret("App created", result.App.Name, result.App.ClientId, result.Secret?.Plaintext, result.WebhookSecret.Plaintext);
        return Page();
    }

    private async Task<bool> LoadManageableAsync(CancellationToken ct)
    {
        Manageable = [.. (await access.MembershipsAsync(User, ct)).Where(m => m.CanManageApps)];
        return Manageable.Count > 0;
    }
}
