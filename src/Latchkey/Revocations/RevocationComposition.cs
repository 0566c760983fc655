namespace Latchkey.Revocations;

public static class RevocationComposition
{
    public static IServiceCollection AddRevocationFeed(this IServiceCollection services)
    {
        services.AddScoped<RevocationLog>();
        services.AddSingleton<RevocationFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<RevocationFeed>());
        services.AddHostedService<RevocationPruner>();
        return services;
    }
}
