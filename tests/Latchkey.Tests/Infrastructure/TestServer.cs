using Latchkey.Configuration;
using Latchkey.Hosting;
using Latchkey.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;

namespace Latchkey.Tests.Infrastructure;

/// <summary>
/// A whole Latchkey server in memory (ASP.NET Core's test server) over a real, fresh database.
/// Tests talk to it over HTTP only, except where a test reads a table to prove what is (not) stored.
/// </summary>
public sealed class LatchkeyTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestDatabase? _ownedDatabase;

    private LatchkeyTestServer(WebApplication app, string connectionString, TestDatabase? ownedDatabase)
    {
        _app = app;
        ConnectionString = connectionString;
        _ownedDatabase = ownedDatabase;
    }

    public IServiceProvider Services => _app.Services;
    public string ConnectionString { get; }

    /// <summary>A server over a fresh database of <paramref name="kind"/>, migrated at start like <c>serve</c> does.</summary>
    /// <param name="services">Replaces services after the server's own, e.g. a <see cref="ManualClock"/> as the <see cref="TimeProvider"/>.</param>
    public static async Task<LatchkeyTestServer> StartAsync(
        DatabaseKind kind = DatabaseKind.Sqlite,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var database = await TestDatabase.CreateAsync(kind);
        try
        {
            return await StartAsync(database.ConnectionString, settings, services, database);
        }
        catch
        {
            // A server that refuses to start (a test of configuration validation) leaves no database behind.
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>A server over an existing database that it neither migrates nor deletes.</summary>
    public static Task<LatchkeyTestServer> AttachAsync(string connectionString, Action<IServiceCollection>? services = null) =>
        StartAsync(connectionString, new Dictionary<string, string?> { [$"{LatchkeyOptions.Section}:{nameof(LatchkeyOptions.MigrateOnStart)}"] = "false" }, services, null);

    private static async Task<LatchkeyTestServer> StartAsync(string connectionString, IReadOnlyDictionary<string, string?>? settings,
        Action<IServiceCollection>? services, TestDatabase? owned)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            [$"{LatchkeyOptions.Section}:{nameof(LatchkeyOptions.Database)}"] = connectionString,
        };
        var builder = LatchkeyServer.CreateBuilder(all);
        services?.Invoke(builder.Services);
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = LatchkeyServer.Build(builder);
        try
        {
            await app.PrepareDatabaseAsync();
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new LatchkeyTestServer(app, connectionString, owned);
    }

    /// <summary>A client that neither follows redirects nor keeps cookies: tests see each 302 and its Location.</summary>
    public HttpClient CreateClient() => _app.GetTestServer().CreateClient();

    /// <summary>An in-memory transport to this server, for another app's backchannel (a resource server's introspection).</summary>
    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    /// <summary>A client that keeps cookies like a browser (sign-in, antiforgery) but still shows each redirect.</summary>
    public HttpClient CreateCookieClient()
    {
        var server = _app.GetTestServer();
        return new HttpClient(new CookieContainerHandler { InnerHandler = server.CreateHandler() }) { BaseAddress = server.BaseAddress };
    }

    /// <summary>Runs <paramref name="work"/> in a service scope, to seed data or read a table directly.</summary>
    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public Task<T> WithDbAsync<T>(Func<LatchkeyDbContext, Task<T>> work) =>
        WithScopeAsync(services => work(services.GetRequiredService<LatchkeyDbContext>()));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownedDatabase is not null)
        {
            await _ownedDatabase.DisposeAsync();
        }
    }
}
