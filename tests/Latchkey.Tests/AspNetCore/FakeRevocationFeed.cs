using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;

namespace Latchkey.Tests.AspNetCore;

/// <summary>
/// <c>GET /oauth/revocations</c> played by the test, per the wire contract of the server's revocation feed: each
/// subscription is a stream the test writes events into and can drop. Every other request goes on to Latchkey.
/// </summary>
public sealed class FakeRevocationFeed(HttpMessageHandler latchkey) : DelegatingHandler(latchkey)
{
    private readonly Channel<Subscription> _subscriptions = Channel.CreateUnbounded<Subscription>();

    /// <summary>The next subscription the resource server opens (its first, or its reconnection).</summary>
    public async Task<Subscription> NextSubscriptionAsync() =>
        await _subscriptions.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.AbsolutePath != "/oauth/revocations")
        {
            return base.SendAsync(request, cancellationToken);
        }
        var pipe = new Pipe();
        var subscription = new Subscription(pipe.Writer,
            request.Headers.TryGetValues("Last-Event-ID", out var ids) ? ids.Single() : null,
            request.Headers.Authorization);
        _subscriptions.Writer.TryWrite(subscription);
        var content = new StreamContent(pipe.Reader.AsStream());
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
    }

    public sealed class Subscription(PipeWriter stream, string? lastEventId, AuthenticationHeaderValue? authorization)
    {
        public string? LastEventId { get; } = lastEventId;
        public AuthenticationHeaderValue? Authorization { get; } = authorization;

        /// <summary>Writes raw event-stream text, e.g. <c>"id: 5\nevent: revoked\ndata: {…}\n\n"</c>.</summary>
        public async Task SendAsync(string text) => await stream.WriteAsync(Encoding.UTF8.GetBytes(text));

        public Task ReadyAsync(long cursor) => SendAsync($"retry: 1000\n\nevent: ready\nid: {cursor}\ndata: {{\"cursor\":\"{cursor}\"}}\n\n");

        public Task RevokedAsync(long id, string json) => SendAsync($"id: {id}\nevent: revoked\ndata: {json}\n\n");

        /// <summary>The connection ends, as when a proxy or the server goes away.</summary>
        public Task DropAsync() => stream.CompleteAsync().AsTask();
    }
}
