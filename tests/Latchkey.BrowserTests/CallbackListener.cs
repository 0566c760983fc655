using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Latchkey.BrowserTests;

/// <summary>
/// A client's redirect URI that really listens, on its own loopback port: the browser's last hop of an
/// authorization is an HTTP request to it, as it would be to an app's server. It records each query it receives.
/// </summary>
public sealed class CallbackListener : IAsyncDisposable
{
    public const string Page = "<!doctype html><title>Client</title><h1 id=\"received\">Callback received</h1>";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _received;

    private CallbackListener(WebApplication app, ConcurrentQueue<string> received)
    {
        _app = app;
        _received = received;
        RedirectUri = $"{app.Origin()}/callback";
    }

    /// <summary>The URI to register and send as <c>redirect_uri</c>, with the port the listener got.</summary>
    public string RedirectUri { get; }

    /// <summary>The query strings of every request received so far, oldest first, each with its leading '?'.</summary>
    public IReadOnlyList<string> Received => [.. _received];

    public static async Task<CallbackListener> StartAsync()
    {
        var received = new ConcurrentQueue<string>();
        var app = WebApplication.CreateSlimBuilder().OnFreePort().Build();
        app.MapGet("/callback", (HttpRequest request) =>
        {
            received.Enqueue(request.QueryString.Value ?? "");
            return Results.Content(Page, "text/html");
        });
        await app.StartAsync();
        return new CallbackListener(app, received);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
