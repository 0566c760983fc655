using System.Security.Claims;
using Latchkey.Accounts;
using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Organizations;
using Latchkey.Profiles;
using Latchkey.Scopes;
using Latchkey.Storage;
using Latchkey.Tokens;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Protocol.Authorize;

/// <summary>The user's answer on the consent screen: the only values taken from the consent form as they are.</summary>
/// <param name="GrantedWebhookEvents">The app's subscribed events the organization grants (FeatureOS's consent API may
/// narrow them); null grants every one.</param>
public sealed record ConsentChoice(bool Approve, Guid? OrganizationId, IReadOnlyList<string>? GrantedWebhookEvents = null);

/// <summary>
/// The authorization endpoint's decisions after the request is valid (RFC 6749 §4.1.1–4.1.2):
/// who the user is, where the app may be installed, whether consent is remembered, and finally the
/// installation and the code. Profiles parse into <see cref="AuthorizationRequest"/> and render the
/// <see cref="AuthorizationOutcome"/>; everything that decides security is here and in
/// <see cref="AuthorizationValidator"/>.
/// </summary>
public sealed class AuthorizeFlow(
    AuthorizationValidator validator,
    OrganizationDirectory organizations,
    InstallationStore installations,
    TokenStore tokens,
    LatchkeyDbContext db,
    UserManager<User> users,
    ProfilePolicies profiles)
{
    /// <summary>An authorization request as the client sent it.</summary>
    public async Task<AuthorizationOutcome> AuthorizeAsync(AuthorizationRequest request, ClaimsPrincipal principal, CancellationToken ct)
    {
        var (authorization, failure) = await validator.ValidateAsync(request, ct);
        if (authorization is null)
        {
            return failure!;
        }
        var userId = SignedInUser(principal);
        if (userId is null || authorization.Prompt.Login)
        {
            return authorization.Prompt.Silent
                ? RedirectToClient.Failure(authorization, new OAuthError("login_required", "The user is not signed in, and prompt=none forbids asking."))
                : SignInRequired.Instance;
        }
        var eligible = await EligibleOrganizationsAsync(authorization, userId.Value, ct);
        if (eligible.Count == 0)
        {
            return RedirectToClient.Failure(authorization, NoEligibleOrganization(authorization));
        }
        if (!authorization.Prompt.Consent && await RememberedConsentAsync(authorization, userId.Value, eligible, ct) is { } remembered)
        {
            return await IssueCodeAsync(authorization, remembered.Installation, remembered.Scopes, ct);
        }
        if (authorization.Prompt.Silent)
        {
            return RedirectToClient.Failure(authorization, new OAuthError("consent_required", "The user has not approved this request, and prompt=none forbids asking."));
        }
        var owner = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == authorization.App.OrganizationId, ct);
        return new AskConsent(authorization, owner, eligible);
    }

    /// <summary>
    /// The consent form's answer. The request it carries is validated from scratch, the user and
    /// the organizations they may choose are looked up again, and only then is the choice applied.
    /// </summary>
    public async Task<AuthorizationOutcome> DecideAsync(AuthorizationRequest request, ClaimsPrincipal principal, ConsentChoice choice, CancellationToken ct)
    {
        var (authorization, failure) = await validator.ValidateAsync(request, ct);
        if (authorization is null)
        {
            return failure!;
        }
        if (SignedInUser(principal) is not { } userId)
        {
            return SignInRequired.Instance;
        }
        if (!choice.Approve)
        {
            // RFC 6749 §4.1.2.1: the resource owner denied the request.
            return RedirectToClient.Failure(authorization, OAuthError.AccessDenied("The user denied the request."));
        }
        var eligible = await EligibleOrganizationsAsync(authorization, userId, ct);
        if (eligible.Count == 0)
        {
            return RedirectToClient.Failure(authorization, NoEligibleOrganization(authorization));
        }
        if (eligible.FirstOrDefault(o => o.Organization.Id == choice.OrganizationId) is not { } target)
        {
            return RedirectToClient.Failure(authorization, OAuthError.AccessDenied("The user chose an organization they cannot install this app into."));
        }
        if (!GrantsAnything(target, authorization))
        {
            return RedirectToClient.Failure(authorization, OAuthError.AccessDenied(
                "The user's role in the chosen organization lets them grant none of the requested scopes: members grant read scopes only."));
        }
        var installation = await installations.InstallAsync(authorization.App, target.Organization.Id, authorization.Actor, userId,
            target.GrantableScopes, installedBy: userId, choice.GrantedWebhookEvents, ct);
        return await IssueCodeAsync(authorization, installation, target.GrantableScopes, ct);
    }

    private Guid? SignedInUser(ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true && Guid.TryParse(users.GetUserId(principal), out var id) ? id : null;

    private async Task<IReadOnlyList<EligibleOrganization>> EligibleOrganizationsAsync(ValidatedAuthorization authorization, Guid userId, CancellationToken ct) =>
        [
            .. from membership in await organizations.ForUserAsync(userId, ct)
               where RoleScopeCap.MayInstall(authorization.Actor, membership.Role)
               select new EligibleOrganization(membership.Organization, membership.Role,
                   RoleScopeCap.Grantable(authorization.Scopes, authorization.Actor, membership.Role)),
        ];

    /// <summary>False when the role cap leaves nothing of a request that asked for something (<see cref="RoleScopeCap"/>).</summary>
    private static bool GrantsAnything(EligibleOrganization organization, ValidatedAuthorization authorization) =>
        organization.GrantableScopes.Count > 0 || authorization.Scopes.Count == 0;

    private static OAuthError NoEligibleOrganization(ValidatedAuthorization authorization) => OAuthError.AccessDenied(
        authorization.Actor == ActorMode.App
            ? "The user is not an admin or owner of any organization, so they cannot install an app that acts as itself."
            : "The user belongs to no organization to connect this app to.");

    /// <summary>
    /// A live installation already covers the request: same app and actor (for <c>self</c>, the same
    /// user), in an organization the user may still install into, granting at least what the user's
    /// role there lets them grant of the request. Only when exactly one organization qualifies: with
    /// several, the user must pick.
    /// </summary>
    private async Task<(Installation Installation, IReadOnlyList<string> Scopes)?> RememberedConsentAsync(
        ValidatedAuthorization authorization, Guid userId, IReadOnlyList<EligibleOrganization> eligible, CancellationToken ct)
    {
        var actorKey = Installation.KeyFor(authorization.Actor == ActorMode.Self ? userId : null);
        var organizationIds = eligible.Select(o => o.Organization.Id).ToList();
        var live = await db.Installations.AsNoTracking()
            .Where(i => i.AppId == authorization.App.Id && i.ActorKey == actorKey && i.RevokedAt == null && organizationIds.Contains(i.OrganizationId))
            .ToListAsync(ct);
        var covering = (
            from installation in live
            join organization in eligible on installation.OrganizationId equals organization.Organization.Id
            where installation.ActorMode == authorization.Actor
                && GrantsAnything(organization, authorization)
                && organization.GrantableScopes.All(scope => ScopeImplications.Allows(installation.GrantedScopes, scope))
            select (installation, organization.GrantableScopes)).ToList();
        return covering.Count == 1 ? covering[0] : null;
    }

    /// <summary>RFC 6749 §4.1.2: a short-lived, single-use code bound to the redirect URI and PKCE challenge of the request.</summary>
    private async Task<RedirectToClient> IssueCodeAsync(ValidatedAuthorization authorization, Installation installation,
        IReadOnlyList<string> scopes, CancellationToken ct)
    {
        var policy = profiles.For(authorization.App.Profile);
        var code = await tokens.IssueCodeAsync(installation, authorization.RedirectUriAsSent, scopes, authorization.CodeChallenge,
            policy.Prefixes, policy.Lifetimes.AuthorizationCode, ct);
        return new RedirectToClient(authorization.RedirectUri, code, null, authorization.State);
    }
}
