using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Latchkey.Tests.Revocations;

/// <summary>One event of the feed as a subscriber parses it.</summary>
public sealed record FeedEvent(string Type, string? Id, JsonElement Data)
{
    public string? Kind => Data.TryGetProperty("kind", out var kind) ? kind.GetString() : null;
    public string? Member(string name) => Data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>
/// A subscriber of <c>GET /oauth/revocations</c>, parsing the stream with .NET's own SSE parser
/// (System.Net.ServerSentEvents), so the framing is checked by a reader that is not ours.
/// </summary>
public sealed class FeedSubscriber : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Channel<FeedEvent> _events = Channel.CreateUnbounded<FeedEvent>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private FeedSubscriber(HttpResponseMessage response)
    {
        _response = response;
        _reading = ReadAsync();
    }

    public static async Task<FeedSubscriber> ConnectAsync(HttpClient http, (string Id, string Secret) credentials, string? lastEventId = null, string query = "")
    {
        var request = Request(credentials, query);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new FeedSubscriber(response);
    }

    public static HttpRequestMessage Request((string Id, string Secret) credentials, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/oauth/revocations" + query);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Id}:{credentials.Secret}")));
        return request;
    }

    /// <summary>The next event, or a failure after <paramref name="within"/>.</summary>
    public async Task<FeedEvent> NextAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(5));
        try
        {
            return await _events.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No feed event within {within ?? TimeSpan.FromSeconds(5)}.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The feed stream ended.");
        }
    }

    /// <summary>Reads events until one matches; the ones before it are returned too, in order.</summary>
    public async Task<List<FeedEvent>> UntilAsync(Func<FeedEvent, bool> match, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(5));
        var seen = new List<FeedEvent>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var next = await NextAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            seen.Add(next);
            if (match(next))
            {
                return seen;
            }
        }
    }

    /// <summary>Events up to and including the first <c>ready</c>; its id is the cursor to resume from.</summary>
    public Task<List<FeedEvent>> ReadyAsync() => UntilAsync(e => e.Type == "ready");

    private async Task ReadAsync()
    {
        try
        {
            await using var stream = await _response.Content.ReadAsStreamAsync(_stop.Token);
            var parser = SseParser.Create(stream);
            await foreach (var item in parser.EnumerateAsync(_stop.Token))
            {
                await _events.Writer.WriteAsync(new FeedEvent(item.EventType, parser.LastEventId, JsonDocument.Parse(item.Data).RootElement.Clone()));
            }
            _events.Writer.TryComplete();
        }
        catch (Exception e)
        {
            _events.Writer.TryComplete(e is OperationCanceledException ? null : e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
        _stop.Dispose();
    }
}
