using Latchkey.Apps;
using Latchkey.Portal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Latchkey.Pages.Portal;

/// <summary>The apps of every organization the user belongs to, grouped by organization.</summary>
public sealed class IndexModel(PortalAccess access, AppRegistry registry) : PageModel
{
    public IReadOnlyList<(PortalMembership Membership, IReadOnlyList<App> Apps)> Organizations { get; private set; } = [];

    /// <summary>What the last change did ("App deleted."), carried over its redirect. Never a secret.</summary>
    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var organizations = new List<(PortalMembership, IReadOnlyList<App>)>();
        foreach (var membership in await access.MembershipsAsync(User, ct))
        {
            organizations.Add((membership, await registry.ListAsync(membership.Organization.Id, ct)));
        }
        Organizations = organizations;
    }
}
