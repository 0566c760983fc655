using Latchkey.Installations;
using Latchkey.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Latchkey.Pages.Portal.Installations;

/// <summary>
/// Confirms and performs an uninstall. The installation is looked up among the user's own organizations on
/// every request: one in another organization, or none, is 404; a plain member of its organization gets 403.
/// Uninstalling an already revoked installation changes nothing and says so.
/// </summary>
public sealed class UninstallModel(PortalAccess access, InstallationDirectory directory) : PageModel
{
    public InstallationView Installation { get; private set; } = null!;

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync([FromRoute] Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ?? Page();

    public async Task<IActionResult> OnPostAsync([FromRoute] Guid id, CancellationToken ct)
    {
        if (await LoadAsync(id, ct) is { } refusal)
        {
            return refusal;
        }
        await directory.RevokeInOrganizationAsync(Installation.OrganizationId, id, ct);
        Notice = Installation.IsLive
            ? $"Uninstalled {Installation.App.Name} from {Installation.OrganizationName}: its tokens no longer work."
            : $"{Installation.App.Name} was already uninstalled from {Installation.OrganizationName}.";
        return RedirectToPage("/Portal/Installations/Index", pageHandler: null, routeValues: null, fragment: "notice");
    }

    /// <returns>Null when the user may uninstall it, now in <see cref="Installation"/>; otherwise the refusal to send.</returns>
    private async Task<IActionResult?> LoadAsync(Guid id, CancellationToken ct)
    {
        var (found, refusal) = await access.FindManageableInstallationAsync(User, id, ct);
        if (found is null)
        {
            return StatusCode(refusal);
        }
        Installation = found;
        return null;
    }
}
