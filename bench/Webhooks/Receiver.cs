using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Latchkey.Bench.Webhooks;

/// <summary>
/// A webhook receiver that costs as little as a receiver can: Kestrel on a loopback port answering 204 to
/// <c>POST /hooks/{app}</c> at once, counting requests and distinct <c>webhook-id</c>s (a delivery attempted twice
/// arrives twice under one id), and noting when the last one arrived. It does not verify signatures: the tests do
/// (tests/Latchkey.Tests/Webhooks), and here the receiver's own cost should stay out of the figure.
/// </summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);
    private int _requests;
    private long _lastAt;

    private Receiver(WebApplication app) => _app = app;

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.MapPost("/hooks/{app:int}", (HttpRequest request) =>
        {
            receiver.Record(request.Headers["webhook-id"].ToString());
            return Results.NoContent();
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The webhook URL of app number <paramref name="app"/>.</summary>
    public string Url(int app) =>
        new Uri(new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()), $"/hooks/{app}").ToString();

    public int Requests => Volatile.Read(ref _requests);

    public int Distinct => _ids.Count;

    /// <summary>When the last request arrived, as a <see cref="Stopwatch"/> timestamp.</summary>
    public long LastAt => Interlocked.Read(ref _lastAt);

    /// <summary>Forgets what arrived so far, for the next round.</summary>
    public void Reset()
    {
        _ids = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        Volatile.Write(ref _requests, 0);
        Interlocked.Exchange(ref _lastAt, 0);
    }

    /// <summary>Waits until <paramref name="count"/> distinct deliveries arrived, or until none arrived for <paramref name="idle"/>.</summary>
    public async Task<bool> WaitForAsync(int count, TimeSpan idle)
    {
        var seen = -1;
        var progressAt = Stopwatch.GetTimestamp();
        while (Distinct < count)
        {
            if (Requests != seen)
            {
                (seen, progressAt) = (Requests, Stopwatch.GetTimestamp());
            }
            else if (Stopwatch.GetElapsedTime(progressAt) > idle)
            {
                return false;
            }
            await Task.Delay(10);
        }
        return true;
    }

    private void Record(string webhookId)
    {
        _ids.TryAdd(webhookId, 0);
        Interlocked.Increment(ref _requests);
        Interlocked.Exchange(ref _lastAt, Stopwatch.GetTimestamp());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
