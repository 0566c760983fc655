using Latchkey.Configuration;
using Latchkey.Hosting;
using Latchkey.Storage;

namespace Latchkey.Cli;

/// <summary>The services a one-shot command uses: the same core as the server, no web host.</summary>
public static class CliServices
{
    /// <summary>Runs <paramref name="work"/> in a scope over a migrated database.</summary>
    public static async Task<int> RunAsync(string? database, Func<IServiceProvider, Task<int>> work, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = false,
        });
        builder.Logging.ClearProviders();
        if (database is not null)
        {
            builder.Configuration[$"{LatchkeyOptions.Section}:{nameof(LatchkeyOptions.Database)}"] = database;
        }
        builder.Services.AddLatchkeyCore(builder.Configuration);
        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        await DatabaseMigrator.MigrateAsync(scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>(), ct);
        return await work(scope.ServiceProvider);
    }
}
