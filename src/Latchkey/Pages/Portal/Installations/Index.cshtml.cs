using Latchkey.Installations;
using Latchkey.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Latchkey.Pages.Portal.Installations;

/// <summary>
/// The apps installed in each organization the user administers, with a way to uninstall each. Only admins
/// and owners see installations (who installed what, as whom, with which scopes); a user who administers
/// no organization gets 403.
/// </summary>
public sealed class IndexModel(PortalAccess access, InstallationDirectory directory) : PageModel
{
    public IReadOnlyList<(PortalMembership Membership, IReadOnlyList<InstallationView> Installations)> Organizations { get; private set; } = [];

    /// <summary>What the last uninstall did, carried over its redirect.</summary>
    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var administered = (await access.MembershipsAsync(User, ct)).Where(m => m.CanManageInstallations).ToList();
        if (administered.Count == 0)
        {
            return StatusCode(StatusCodes.Status403Forbidden);
        }
        var organizations = new List<(PortalMembership, IReadOnlyList<InstallationView>)>();
        foreach (var membership in administered)
        {
            organizations.Add((membership, await directory.ListInOrganizationAsync(membership.Organization.Id, includeRevoked: false, ct)));
        }
        Organizations = organizations;
        return Page();
    }
}
