using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Latchkey.Testing;

/// <summary>One request as the receiver saw it.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body, DateTimeOffset At);

/// <summary>
/// A real HTTP endpoint on a loopback port (Kestrel on port 0), where each test opens its own path and scripts the
/// answers: a list of status codes, answered in turn (the last one repeats), or a hang until the receiver stops.
/// Shared by the test projects (linked from tests/Shared): the webhook tests and the portal's browser tests.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Endpoint> _endpoints = new();
    private readonly CancellationTokenSource _stopping = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{name}", (Delegate)receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    /// <summary>A fresh endpoint answering <paramref name="statuses"/> in turn; <c>0</c> means hang.</summary>
    public Endpoint Open(params int[] statuses) => Open(TimeSpan.Zero, statuses);

    /// <summary>A fresh endpoint that takes <paramref name="delay"/> over each answer.</summary>
    public Endpoint Open(TimeSpan delay, params int[] statuses)
    {
        var endpoint = new Endpoint(new Uri(BaseAddress, $"/hooks/{Guid.NewGuid():N}").ToString(), statuses.Length == 0 ? [200] : statuses) { Delay = delay };
        _endpoints[new Uri(endpoint.Url).AbsolutePath] = endpoint;
        return endpoint;
    }

    private async Task<IResult> HandleAsync(HttpContext http)
    {
        if (!_endpoints.TryGetValue(http.Request.Path, out var endpoint))
        {
            return Results.NotFound();
        }
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var status = endpoint.Record(new ReceivedWebhook(http.Request.Headers["webhook-id"].ToString(),
            http.Request.Headers["webhook-timestamp"].ToString(), http.Request.Headers["webhook-signature"].ToString(), body, DateTimeOffset.UtcNow));
        if (endpoint.Delay > TimeSpan.Zero)
        {
            await Task.Delay(endpoint.Delay, http.RequestAborted);
        }
        if (status == 0)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
            await Task.Delay(Timeout.Infinite, linked.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.StatusCode(200);
        }
        return Results.Text($"answer {status}", statusCode: status);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    public sealed class Endpoint(string url, int[] statuses)
    {
        private readonly List<ReceivedWebhook> _received = [];

        public string Url { get; } = url;

        /// <summary>How long each answer takes.</summary>
        public TimeSpan Delay { get; init; }

        public IReadOnlyList<ReceivedWebhook> Received
        {
            get
            {
                lock (_received)
                {
                    return [.. _received];
                }
            }
        }

        internal int Record(ReceivedWebhook webhook)
        {
            lock (_received)
            {
                _received.Add(webhook);
                return statuses[Math.Min(_received.Count, statuses.Length) - 1];
            }
        }

        /// <summary>Waits until at least <paramref name="count"/> requests arrived; fails after <paramref name="timeout"/>.</summary>
        public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count, TimeSpan? timeout = null)
        {
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
            while (Received.Count < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Expected {count} deliveries at {Url}, got {Received.Count}.");
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
            return Received;
        }
    }
}
