using System.Security.Claims;
using Latchkey.Accounts;
using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Organizations;
using Microsoft.AspNetCore.Identity;

namespace Latchkey.Portal;

/// <summary>
/// What the signed-in user may see and change in the developer portal. Every member sees the apps of
/// their organizations; only admins and owners create, edit, rotate or delete them, and see and uninstall what is
/// installed. Apps and installations are looked up through <see cref="AppRegistry"/> and <see cref="InstallationDirectory"/>
/// one of the user's organizations at a time, so tenant isolation (DESIGN.md rule 7) holds here for the same reason
/// it holds everywhere else.
/// </summary>
public sealed class PortalAccess(OrganizationDirectory organizations, AppRegistry apps, InstallationDirectory installations,
    UserManager<User> users)
{
    public async Task<IReadOnlyList<PortalMembership>> MembershipsAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (!Guid.TryParse(users.GetUserId(user), out var userId))
        {
            return [];
        }
        return [.. (await organizations.ForUserAsync(userId, ct)).Select(m => new PortalMembership(m.Organization, m.Role))];
    }

    /// <summary>The app with this client id in one of the user's organizations, tracked for changes; null when
    /// there is none, so another organization's app looks exactly like one that does not exist.</summary>
    public async Task<PortalApp?> FindAppAsync(ClaimsPrincipal user, string clientId, CancellationToken ct)
    {
        foreach (var membership in await MembershipsAsync(user, ct))
        {
            if (await apps.FindAsync(membership.Organization.Id, clientId, ct) is { } app)
            {
                return new PortalApp(membership, app);
            }
        }
        return null;
    }

    /// <summary>
    /// The app, when the user may manage it; otherwise the status to refuse with: 404 when it is not in one of their
    /// organizations (indistinguishable from no app at all), 403 when they are a member without the right to manage apps.
    /// </summary>
    public async Task<(PortalApp? App, int Refusal)> FindManageableAppAsync(ClaimsPrincipal user, string clientId, CancellationToken ct) =>
        await FindAppAsync(user, clientId, ct) switch
        {
            null => (null, StatusCodes.Status404NotFound),
            { Membership.CanManageApps: false } => (null, StatusCodes.Status403Forbidden),
            var found => (found, 0),
        };

    /// <summary>
    /// The installation in one of the user's organizations, live or revoked, when they may manage that organization's
    /// installations; otherwise the status to refuse with: 404 when it is in none of them, 403 for a plain member.
    /// </summary>
    public async Task<(InstallationView? Installation, int Refusal)> FindManageableInstallationAsync(ClaimsPrincipal user,
        Guid installationId, CancellationToken ct)
    {
        foreach (var membership in await MembershipsAsync(user, ct))
        {
            if (await installations.FindInOrganizationAsync(membership.Organization.Id, installationId, ct) is { } installation)
            {
                return membership.CanManageInstallations ? (installation, 0) : (null, StatusCodes.Status403Forbidden);
            }
        }
        return (null, StatusCodes.Status404NotFound);
    }
}

/// <summary>One organization the user belongs to, with their role there.</summary>
public sealed record PortalMembership(Organization Organization, OrganizationRole Role)
{
    /// <summary>Admins and owners manage the organization's apps; members only see them.</summary>
    public bool CanManageApps => Role >= OrganizationRole.Admin;

    /// <summary>Admins and owners see the apps installed in the organization and uninstall them.</summary>
    public bool CanManageInstallations => Role >= OrganizationRole.Admin;
}

public sealed record PortalApp(PortalMembership Membership, App App);
