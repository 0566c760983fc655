using Latchkey.AspNetCore.Revocations;
using Latchkey.AspNetCore.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Latchkey.AspNetCore;

public static class LatchkeyAuthenticationBuilderExtensions
{
    /// <summary>
    /// Accepts Latchkey access tokens: <c>services.AddAuthentication().AddLatchkey(o => { o.Authority = …; o.ClientId = …;
    /// o.ClientSecret = …; })</c>. Also subscribes to the server's revocation feed, so a revoked or uninstalled token
    /// is refused within about a second however long the cache would have kept it.
    /// </summary>
    public static AuthenticationBuilder AddLatchkey(this AuthenticationBuilder builder, Action<LatchkeyAuthenticationOptions> configure) =>
        builder.AddLatchkey(LatchkeyDefaults.AuthenticationScheme, configure);

    public static AuthenticationBuilder AddLatchkey(this AuthenticationBuilder builder, string scheme, Action<LatchkeyAuthenticationOptions> configure)
    {
        var services = builder.Services;
        services.AddAuthorization();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ScopeAuthorizationHandler>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(scheme, (provider, _) => new LatchkeyScheme(scheme,
            provider.GetRequiredService<IOptionsMonitor<LatchkeyAuthenticationOptions>>(), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IHostedService>(provider => new RevocationFeed(provider.GetRequiredKeyedService<LatchkeyScheme>(scheme),
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<RevocationFeed>>()));
        return builder.AddScheme<LatchkeyAuthenticationOptions, LatchkeyAuthenticationHandler>(scheme, configure);
    }
}
