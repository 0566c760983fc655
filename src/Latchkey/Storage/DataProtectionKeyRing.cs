using Microsoft.AspNetCore.DataProtection;

namespace Latchkey.Storage;

/// <summary>
/// ASP.NET Core Data Protection keeps its key ring in the database. It encrypts the sign-in cookie, antiforgery tokens
/// and the apps' webhook signing secrets; with the ring in a home directory (the default), every node of a deployment
/// and the CLI would hold different keys and fail to read what another wrote, and a fresh container would lose every
/// signing secret. One fixed application name, because the default one is the content root, which differs between the
/// CLI and <c>serve</c>. The keys are stored unencrypted, as the default file ring stores them: whoever reads the
/// database can read them, and README "Running on PostgreSQL" says to protect it accordingly.
/// </summary>
public static class DataProtectionKeyRing
{
    public const string ApplicationName = "Latchkey";

    public static IServiceCollection AddDataProtectionKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToDbContext<LatchkeyDbContext>();
        return services;
    }
}
