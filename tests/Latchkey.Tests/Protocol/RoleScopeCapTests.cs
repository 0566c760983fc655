using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Protocol.Authorize;

namespace Latchkey.Tests.Protocol;

/// <summary>The role cap on what a consenting user may grant (FeatureOS seed 004, "Actor mode"), as a table.</summary>
public sealed class RoleScopeCapTests
{
    public static TheoryData<string, OrganizationRole, string, string> Cases => new()
    {
        { ActorMode.Self, OrganizationRole.Member, "posts:read posts:write webhooks:manage", "posts:read" },
        { ActorMode.Self, OrganizationRole.Member, "read.secrets manage.secrets create.teams", "read.secrets" },
        // FUB and Fillout: the whole-account scope, which any user of theirs may give an app.
        { ActorMode.Self, OrganizationRole.Member, "api", "api" },
        { ActorMode.Self, OrganizationRole.Member, "posts:write", "" },
        { ActorMode.Self, OrganizationRole.Admin, "posts:read posts:write", "posts:read posts:write" },
        { ActorMode.Self, OrganizationRole.Owner, "manage.secrets", "manage.secrets" },
        { ActorMode.App, OrganizationRole.Admin, "posts:write webhooks:manage", "posts:write webhooks:manage" },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Grantable_KeepsWhatTheRoleMayGrant(string actor, OrganizationRole role, string requested, string granted) =>
        Assert.Equal(
            granted.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            RoleScopeCap.Grantable(requested.Split(' '), actor, role));

    [Theory]
    [InlineData(ActorMode.Self, OrganizationRole.Member, true)]
    [InlineData(ActorMode.App, OrganizationRole.Member, false)]
    [InlineData(ActorMode.App, OrganizationRole.Admin, true)]
    [InlineData(ActorMode.App, OrganizationRole.Owner, true)]
    public void MayInstall_BotsNeedAnAdmin(string actor, OrganizationRole role, bool allowed) =>
        Assert.Equal(allowed, RoleScopeCap.MayInstall(actor, role));
}
