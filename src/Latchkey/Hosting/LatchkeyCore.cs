using Latchkey.Accounts;
using Latchkey.Apps;
using Latchkey.Configuration;
using Latchkey.Management;
using Latchkey.Organizations;
using Latchkey.ResourceServers;
using Latchkey.Storage;
using Latchkey.Webhooks;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Latchkey.Hosting;

/// <summary>The services every entry point needs, the web server and each CLI command alike.</summary>
public static class LatchkeyCore
{
    public static IServiceCollection AddLatchkeyCore(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(LatchkeyOptions.Section);
        services.AddOptions<LatchkeyOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LatchkeyOptions>, LatchkeyOptionsValidator>();
        var options = section.Get<LatchkeyOptions>() ?? new LatchkeyOptions();
        services.AddSingleton(TimeProvider.System);
        services.AddLatchkeyStorage(options.Database, options.SqliteSynchronous);
        services.AddDataProtectionKeyRing();
        services.AddIdentityCore<User>(identity =>
            {
                identity.User.RequireUniqueEmail = true;
                identity.Password.RequiredLength = 10;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequireUppercase = false;
                identity.Lockout.MaxFailedAccessAttempts = 5;
                identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                identity.Lockout.AllowedForNewUsers = true;
            })
            .AddEntityFrameworkStores<LatchkeyDbContext>();
        services.AddScoped<OrganizationDirectory>();
        services.AddScoped<AccountDirectory>();
        services.AddScoped<ManagementCredentials>();
        services.AddScoped<AppRegistry>();
        services.AddSingleton<Scopes.ScopeCatalogues>();
        services.AddSingleton<ResourceServerCache>();
        services.AddScoped<ResourceServerCredentials>();
        services.AddWebhooks(configuration);
        return services;
    }
}
