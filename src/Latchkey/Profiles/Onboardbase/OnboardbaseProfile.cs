using Latchkey.Configuration;
using Latchkey.Protocol.Authorize;
using Latchkey.Protocol.Token;

namespace Latchkey.Profiles.Onboardbase;

/// <summary>The Onboardbase profile (seed 003): its authorization link, its token request and answer.</summary>
public static class OnboardbaseProfile
{
    public static IServiceCollection AddOnboardbase(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationDialect, OnboardbaseAuthorizationDialect>();
        services.AddScoped<ITokenDialect, OnboardbaseTokenDialect>();
        services.AddOptions<LatchkeyOptions>()
            .Validate(o => o.Onboardbase.ApiKeyLifetime > TimeSpan.Zero, "Latchkey:Onboardbase:ApiKeyLifetime must be positive.");
        return services;
    }
}
