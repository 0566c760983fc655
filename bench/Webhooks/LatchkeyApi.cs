using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Latchkey.Bench.Webhooks;

/// <summary>What publishing one round came to: events answered 202, others, the deliveries the 202s said were queued, and how long it took.</summary>
internal sealed record Published(int Accepted, int Refused, int Queued, TimeSpan Elapsed);

/// <summary>
/// The operator's side, over Latchkey's public HTTP API with an organization's management key: registering apps with a
/// webhook (<c>POST /api/v1/apps</c>), installing each in that organization (client_credentials, RFC 6749 §4.4, installs
/// the app as its own bot there and grants it the events it subscribes to), and publishing events (<c>POST /api/v1/events</c>).
/// </summary>
internal sealed class LatchkeyApi(string baseAddress, string managementKey, int connections) : IDisposable
{
    public const string EventType = "bench.event";

    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false })
    {
        BaseAddress = new Uri(baseAddress),
    };

    /// <summary>Registers an app whose webhook is <paramref name="webhookUrl"/> and installs it.</summary>
    public async Task SubscribeAsync(string name, string webhookUrl)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/apps")
        {
            Content = new StringContent($$"""
                {"name":"{{name}}","redirect_uris":["http://127.0.0.1:8400/callback"],"actor_modes":["app"],
                 "webhook_url":"{{webhookUrl}}","webhook_events":["{{EventType}}"]}
                """, Encoding.UTF8, "application/json"),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", managementKey);
        using var created = await SendAsync(create, HttpStatusCode.Created);
        using var app = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var clientId = app.RootElement.GetProperty("client_id").GetString();
        var secret = app.RootElement.GetProperty("client_secret").GetString();

        using var token = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        token.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{clientId}:{secret}")));
        using var _ = await SendAsync(token, HttpStatusCode.OK);
    }

    /// <summary>Publishes <paramref name="events"/> events over <c>connections</c> concurrent requests.</summary>
    public async Task<Published> PublishAsync(int events)
    {
        int next = -1, accepted = 0, refused = 0, queued = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < events)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
                {
                    Content = new StringContent(
                        $$$"""{"type":"{{{EventType}}}","data":{"object":"post","id":{{{i}}},"title":"Benchmark event {{{i}}}"}}""",
                        Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", managementKey);
                using var response = await _http.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref refused);
                    continue;
                }
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Interlocked.Add(ref queued, body.RootElement.GetProperty("deliveries").GetInt32());
                Interlocked.Increment(ref accepted);
            }
        }));
        return new Published(accepted, refused, queued, Stopwatch.GetElapsedTime(started));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpStatusCode expected)
    {
        var response = await _http.SendAsync(request);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return response;
    }

    public void Dispose() => _http.Dispose();
}
