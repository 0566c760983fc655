using System.Net.Http.Headers;
using Latchkey.AspNetCore;
using Latchkey.AspNetCore.Validation;
using Latchkey.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SampleApi;

namespace Latchkey.Tests.AspNetCore;

/// <summary>
/// samples/SampleApi in memory, protected by Latchkey.AspNetCore against an in-memory Latchkey server: its backchannel
/// (introspection, the revocation feed) goes through <see cref="Backchannel"/>, which counts the calls.
/// </summary>
public sealed class ProtectedApi : IAsyncDisposable
{
    private readonly WebApplicationFactory<PostStore> _factory;

    private ProtectedApi(WebApplicationFactory<PostStore> factory, CountingHandler backchannel)
    {
        _factory = factory;
        Backchannel = backchannel;
    }

    public CountingHandler Backchannel { get; }

    public IServiceProvider Services => _factory.Services;

    /// <param name="configure">After the sample's own configuration: the mode, a connection string.</param>
    /// <param name="transport">Wraps the in-memory transport to Latchkey, e.g. with a <see cref="FakeRevocationFeed"/>.</param>
    public static async Task<ProtectedApi> StartAsync(LatchkeyTestServer latchkey, Action<LatchkeyAuthenticationOptions>? configure = null,
        Func<HttpMessageHandler, HttpMessageHandler>? transport = null)
    {
        var (id, secret) = await latchkey.ResourceServerAsync();
        var toLatchkey = latchkey.CreateHandler();
        var backchannel = new CountingHandler(transport?.Invoke(toLatchkey) ?? toLatchkey);
        var factory = new WebApplicationFactory<PostStore>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Logging:LogLevel:Default", "Warning");
            web.ConfigureServices(services => services.PostConfigure<LatchkeyAuthenticationOptions>(LatchkeyDefaults.AuthenticationScheme, options =>
            {
                // The in-memory server answers any host; the issuer it reports is http://localhost.
                options.Authority = "http://localhost";
                options.ClientId = id;
                options.ClientSecret = secret;
                options.BackchannelHttpHandler = backchannel;
                configure?.Invoke(options);
            }));
        });
        // Starts the host, and with it the revocation feed.
        _ = factory.Server;
        return new ProtectedApi(factory, backchannel);
    }

    public HttpClient CreateClient() => _factory.CreateClient();

    /// <summary>The scheme's cache, to wait until the revocation feed has confirmed it.</summary>
    internal TokenCache Cache => Services.GetRequiredKeyedService<LatchkeyScheme>(LatchkeyDefaults.AuthenticationScheme).Cache;

    /// <summary>GET /api/posts with the token: 200 while it is accepted.</summary>
    public async Task<HttpStatusCode> ReadPostsAsync(string token)
    {
        using var http = CreateClient();
        return (await http.SendAsync(Request(HttpMethod.Get, "/api/posts", token))).StatusCode;
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? token, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }
        return request;
    }

    /// <summary>Polls GET /api/posts with the token until it is refused (401); fails if that takes longer than <paramref name="within"/>.</summary>
    public async Task RefusedWithinAsync(TimeSpan within, string token)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await ReadPostsAsync(token) != HttpStatusCode.Unauthorized)
        {
            Assert.True(clock.Elapsed < within, $"the token was still accepted after {within.TotalSeconds} s");
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        Backchannel.Dispose();
    }
}

/// <summary>Counts the resource server's calls to Latchkey, by path.</summary>
public sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _introspections;

    public int Introspections => Volatile.Read(ref _introspections);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.AbsolutePath == "/oauth/introspect")
        {
            Interlocked.Increment(ref _introspections);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
