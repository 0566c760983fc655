using System.Reflection;

namespace Latchkey.Management.Api;

/// <summary>The organization a management API request acts for, bound from the <see cref="ManagementKeyAuthentication"/>
/// principal. Handlers take it as a parameter, so none can forget to scope a lookup by it (DESIGN.md rule 7).</summary>
public sealed record ManagementCaller(Guid OrganizationId) : IBindableFromHttpContext<ManagementCaller>
{
    public static ValueTask<ManagementCaller?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var claim = context.User.FindFirst(ManagementKeyAuthentication.OrganizationClaim)
            ?? throw new InvalidOperationException("The endpoint is not behind the ManagementKey authorization policy.");
        return ValueTask.FromResult<ManagementCaller?>(new ManagementCaller(Guid.Parse(claim.Value)));
    }
}
