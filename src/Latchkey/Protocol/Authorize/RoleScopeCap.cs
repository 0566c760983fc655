using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Scopes;

namespace Latchkey.Protocol.Authorize;

/// <summary>
/// Who may install an app into an organization, and what they may grant it. FeatureOS (seed 004,
/// "Actor mode"; FACTS.md "FeatureOS") caps a <c>self</c> installation by the consenting user's
/// role. Latchkey's rule, small enough to state in one line each:
/// <list type="bullet">
/// <item>actor <c>app</c> (a bot acting for the whole organization): admins and owners only, any scope the app asks for;</item>
/// <item>actor <c>self</c>: any member; admins and owners grant every scope, members only read scopes —
/// names ending in <c>:read</c> (<c>posts:read</c>) or starting with <c>read.</c> (<c>read.secrets</c>) — and
/// the whole-account scope of the profiles without scopes (<c>api</c>: FUB, Fillout), which acting as the
/// member lets the app do no more than the member may.</item>
/// </list>
/// </summary>
public static class RoleScopeCap
{
    public static bool MayInstall(string actor, OrganizationRole role) =>
        actor == ActorMode.Self || role >= OrganizationRole.Admin;

    /// <summary>The part of <paramref name="requested"/> that a user with <paramref name="role"/> may grant.</summary>
    public static IReadOnlyList<string> Grantable(IReadOnlyList<string> requested, string actor, OrganizationRole role) =>
        actor == ActorMode.App || role >= OrganizationRole.Admin ? requested : [.. requested.Where(MemberMayGrant)];

    private static bool MemberMayGrant(string scope) =>
        IsReadScope(scope) || BuiltInCatalogues.WholeAccount.Any(s => s.Name == scope);

    public static bool IsReadScope(string scope) =>
        scope.EndsWith(":read", StringComparison.Ordinal) || scope.StartsWith("read.", StringComparison.Ordinal);
}
