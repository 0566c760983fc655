using Latchkey.Protocol.Authorize;

namespace Latchkey.Profiles.FeatureOs;

/// <summary>
/// The FeatureOS profile (seed 004, FACTS.md "FeatureOS") beside the standard endpoints it shares: its
/// authorization dialect, the JSON consent API, app registration from a session, and session_info. Mapped on
/// every deployment, as FUB's app API is: the paths are FeatureOS's own and collide with nothing else.
/// </summary>
public static class FeatureOsProfile
{
    public static IServiceCollection AddFeatureOs(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationDialect, FeatureOsAuthorizationDialect>();
        services.AddSingleton<AuthorizeJson>();
        return services;
    }

    public static IEndpointRouteBuilder MapFeatureOs(this IEndpointRouteBuilder routes)
    {
        routes.MapFeatureOsAppRegistration();
        routes.MapFeatureOsConsent();
        routes.MapFeatureOsSessionInfo();
        return routes;
    }
}
