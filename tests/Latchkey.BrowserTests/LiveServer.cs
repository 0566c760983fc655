using Latchkey.Configuration;
using Latchkey.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;

namespace Latchkey.BrowserTests;

/// <summary>Latchkey on a real loopback port (a browser cannot reach an in-memory test server), over a fresh SQLite file.</summary>
public sealed class LiveServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _folder;

    private LiveServer(WebApplication app, string folder)
    {
        _app = app;
        _folder = folder;
    }

    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => _app.Services;

    public static async Task<LiveServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var folder = Directory.CreateTempSubdirectory("latchkey-browser-").FullName;
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            [$"{LatchkeyOptions.Section}:{nameof(LatchkeyOptions.Database)}"] = $"Data Source={Path.Combine(folder, "latchkey.db")};Pooling=False",
        };
        var builder = LatchkeyServer.CreateBuilder(all);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = LatchkeyServer.Build(builder);
        await app.PrepareDatabaseAsync();
        await app.StartAsync();
        var server = new LiveServer(app, folder);
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
