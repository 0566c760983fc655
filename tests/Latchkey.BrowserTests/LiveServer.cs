using Latchkey.Configuration;
using Latchkey.Hosting;

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
        var app = LatchkeyServer.Build(LatchkeyServer.CreateBuilder(all).OnFreePort());
        await app.PrepareDatabaseAsync();
        await app.StartAsync();
        var server = new LiveServer(app, folder);
        server.BaseAddress = new Uri(app.Origin());
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
