using Latchkey.Accounts;
using Latchkey.Installations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Latchkey.Pages.Account;

/// <summary>
/// The apps the signed-in user lets act on their behalf (actor <c>self</c>), in every organization, each with
/// a way to revoke it. A user revokes only their own: any other installation is 404, as if it did not exist.
/// </summary>
[Authorize]
public sealed class AuthorizationsModel(InstallationDirectory directory, UserManager<User> users) : PageModel
{
    public IReadOnlyList<InstallationView> Authorizations { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    private Guid UserId => Guid.Parse(users.GetUserId(User) ?? throw new InvalidOperationException("A signed-in user has an id."));

    public async Task OnGetAsync(CancellationToken ct) =>
        Authorizations = await directory.ListForUserAsync(UserId, ct);

    public async Task<IActionResult> OnPostRevokeAsync(Guid installationId, CancellationToken ct)
    {
        if (await directory.RevokeForUserAsync(UserId, installationId, ct) is not { } revoked)
        {
            return NotFound();
        }
        Notice = revoked.IsLive
            ? $"{revoked.App.Name} can no longer act on your behalf in {revoked.OrganizationName}."
            : $"{revoked.App.Name} was already revoked in {revoked.OrganizationName}.";
        return RedirectToPage(pageName: null, pageHandler: null, routeValues: null, fragment: "notice");
    }
}
