using Latchkey.Protocol.Authorize;

namespace Latchkey.Profiles.Fub;

/// <summary>
/// The Follow Up Boss profile (seeds 000 and 001, FACTS.md "Follow Up Boss"): its consent request
/// dialect, its legacy GET token endpoint, and its app management. Registered on every deployment:
/// each app records its own profile, whatever the deployment's default.
/// </summary>
public static class FubProfile
{
    public static IServiceCollection AddFubProfile(this IServiceCollection services) =>
        services.AddSingleton<IAuthorizationDialect, FubAuthorizationDialect>();

    public static IEndpointRouteBuilder MapFubProfile(this IEndpointRouteBuilder routes) =>
        routes.MapFubAppEndpoints().MapFubTokenEndpoint();
}
