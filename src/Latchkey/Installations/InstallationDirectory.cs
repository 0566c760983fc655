using Latchkey.Apps;
using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Installations;

/// <summary>
/// What org admins and users see of installations, and their way to end one. Every lookup is scoped by the
/// target organization or by the acting user: the organization an app is installed in decides about it, not
/// the app's owner, and another tenant's installation looks exactly like one that does not exist (DESIGN.md
/// rule 7). Ending one is <see cref="InstallationStore.RevokeAsync"/>: the installation and all its tokens at once.
/// </summary>
public sealed class InstallationDirectory(LatchkeyDbContext db, InstallationStore store)
{
    /// <summary>The apps installed in the organization, oldest first; revoked ones only when asked.</summary>
    public Task<List<InstallationView>> ListInOrganizationAsync(Guid organizationId, bool includeRevoked, CancellationToken ct) =>
        Views(db.Installations.Where(i => i.OrganizationId == organizationId && (includeRevoked || i.RevokedAt == null)))
            .ToListAsync(ct);

    /// <summary>The installation if it is in <paramref name="organizationId"/>, live or revoked; null otherwise.</summary>
    public Task<InstallationView?> FindInOrganizationAsync(Guid organizationId, Guid installationId, CancellationToken ct) =>
        Views(db.Installations.Where(i => i.Id == installationId && i.OrganizationId == organizationId)).SingleOrDefaultAsync(ct);

    /// <summary>The user's own live authorizations: apps acting as them (actor <c>self</c>), in any organization.</summary>
    public Task<List<InstallationView>> ListForUserAsync(Guid userId, CancellationToken ct) =>
        Views(db.Installations.Where(i => i.UserId == userId && i.ActorMode == ActorMode.Self && i.RevokedAt == null)).ToListAsync(ct);

    /// <summary>Uninstalls the app if the installation is in <paramref name="organizationId"/>.</summary>
    /// <returns>The installation as it was before, or null when the organization has no such installation.</returns>
    public async Task<InstallationView?> RevokeInOrganizationAsync(Guid organizationId, Guid installationId, CancellationToken ct) =>
        await RevokeAsync(await FindInOrganizationAsync(organizationId, installationId, ct), ct);

    /// <summary>Ends the user's own authorization; an installation acting for anyone else is null, as if missing.</summary>
    public async Task<InstallationView?> RevokeForUserAsync(Guid userId, Guid installationId, CancellationToken ct)
    {
        var own = await Views(db.Installations.Where(i => i.Id == installationId && i.UserId == userId && i.ActorMode == ActorMode.Self))
            .SingleOrDefaultAsync(ct);
        return await RevokeAsync(own, ct);
    }

    /// <summary>Revoking twice changes nothing: the first revocation's time stands.</summary>
    private async Task<InstallationView?> RevokeAsync(InstallationView? installation, CancellationToken ct)
    {
        if (installation is not null)
        {
            await store.RevokeAsync(installation.Id, ct);
        }
        return installation;
    }

    private IQueryable<InstallationView> Views(IQueryable<Installation> installations) =>
        from i in installations.AsNoTracking()
        join app in db.Apps on i.AppId equals app.Id
        join owner in db.Organizations on app.OrganizationId equals owner.Id
        join target in db.Organizations on i.OrganizationId equals target.Id
        join user in db.Users on i.UserId equals (Guid?)user.Id into users
        from user in users.DefaultIfEmpty()
        join installer in db.Users on i.InstalledByUserId equals (Guid?)installer.Id into installers
        from installer in installers.DefaultIfEmpty()
        orderby i.CreatedAt, i.Id
        select new InstallationView(
            i.Id,
            new InstalledApp(app.ClientId, app.Name, owner.Name),
            target.Id,
            target.Name,
            i.ActorMode,
            i.UserId == null ? null : new Person(i.UserId!.Value, user == null ? null : user.Email),
            i.GrantedScopes,
            i.InstalledByUserId == null ? null : new Person(i.InstalledByUserId!.Value, installer == null ? null : installer.Email),
            i.CreatedAt,
            i.UpdatedAt,
            i.LastUsedAt,
            i.RevokedAt);
}
