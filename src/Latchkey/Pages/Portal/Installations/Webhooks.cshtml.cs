using Latchkey.Installations;
using Latchkey.Portal;
using Latchkey.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Latchkey.Pages.Portal.Installations;

/// <summary>
/// What an installed app was sent about the organization, for its admins and owners: each event, whether it arrived,
/// and the attempts. The app's own endpoint answers (response excerpts) are the app developer's, so they are not shown
/// here. Looked up among the user's own organizations on every request, as on the uninstall page.
/// </summary>
public sealed class WebhooksModel(PortalAccess access, WebhookLog log) : PageModel
{
    public const int PageSize = 50;

    public InstallationView Installation { get; private set; } = null!;

    public IReadOnlyList<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)> Deliveries { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync([FromRoute] Guid id, CancellationToken ct)
    {
        var (found, refusal) = await access.FindManageableInstallationAsync(User, id, ct);
        if (found is null)
        {
            return StatusCode(refusal);
        }
        Installation = found;
        Deliveries = await log.ListForInstallationAsync(id, PageSize, ct);
        return Page();
    }
}
