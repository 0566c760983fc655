using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Latchkey.Revocations;

/// <summary>
/// One subscriber's stream: <c>reset</c> if its cursor is unknown, else what it missed; then <c>ready</c>; then every new
/// revocation as it is read, with keep-alive comments between. Each event's <c>id</c> is the highest id sent so far, so
/// the cursor a subscriber resumes from never moves back when an entry below it arrives late.
/// </summary>
internal sealed class RevocationStream(long? cursor, RevocationFeed feed, RevocationLog log, RevocationFeedOptions settings,
    CancellationToken stopping) : IResult
{
    /// <summary>What a disconnected EventSource waits before reconnecting (WHATWG HTML §9.2.4).</summary>
    private const int ReconnectMilliseconds = 1000;

    private const int PageSize = 1_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private long sent;

    public async Task ExecuteAsync(HttpContext http)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var ct = ending.Token;
        // Subscribed before reading the backlog, so nothing written in between falls through; what arrives twice is harmless.
        using var subscription = feed.Subscribe();
        http.Response.ContentType = "text/event-stream";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var stream = new SseWriter(http.Response);
        try
        {
            await stream.WriteAsync($"retry: {ReconnectMilliseconds}\n\n", ct);
            await CatchUpAsync(stream, ct);
            sent = Math.Max(sent, await log.HeadAsync(ct));
            await stream.EventAsync("ready", sent, $$"""{"cursor":"{{sent}}"}""", ct);
            await stream.FlushAsync(ct);
            await FollowAsync(stream, subscription, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The subscriber left or the server is stopping: the stream simply ends.
        }
    }

    /// <summary>
    /// A resumed subscriber gets every entry after its cursor, and every entry written within
    /// <see cref="RevocationFeedOptions.CommitWindow"/> before it: those below it may have committed after it was sent.
    /// A cursor this log cannot vouch for (pruned past, or beyond the head: another database) gets a <c>reset</c>.
    /// </summary>
    private async Task CatchUpAsync(SseWriter stream, CancellationToken ct)
    {
        if (cursor is not { } from)
        {
            return;
        }
        var head = await log.HeadAsync(ct);
        if (from > head || await log.OldestAsync(ct) is { } oldest && from < oldest - 1)
        {
            await stream.EventAsync("reset", head, "{}", ct);
            sent = head;
            return;
        }
        sent = from;
        if (await log.OccurredAtFromAsync(from, ct) is not { } at)
        {
            return;
        }
        var since = at - RevocationFeedOptions.CommitWindow;
        var pageAfter = 0L;
        List<RevocationEvent> page;
        do
        {
            page = await log.ReadMissedAsync(from, since, pageAfter, PageSize, ct);
            foreach (var revocation in page)
            {
                await WriteAsync(stream, revocation, ct);
                pageAfter = revocation.Id;
            }
        }
        while (page.Count == PageSize);
    }

    private async Task FollowAsync(SseWriter stream, RevocationSubscription subscription, CancellationToken ct)
    {
        var events = subscription.Events;
        Task<bool>? waiting = null;
        while (true)
        {
            waiting ??= events.WaitToReadAsync(ct).AsTask();
            if (await Task.WhenAny(waiting, Task.Delay(settings.KeepAlive, ct)) != waiting)
            {
                await stream.WriteAsync(": keep-alive\n\n", ct);
                await stream.FlushAsync(ct);
                continue;
            }
            if (!await waiting)
            {
                // Fell too far behind: ending the stream makes the subscriber resume from its cursor, out of the database.
                return;
            }
            waiting = null;
            while (events.TryRead(out var revocation))
            {
                await WriteAsync(stream, revocation, ct);
            }
            await stream.FlushAsync(ct);
        }
    }

    private Task WriteAsync(SseWriter stream, RevocationEvent revocation, CancellationToken ct)
    {
        sent = Math.Max(sent, revocation.Id);
        var message = new RevokedMessage(
            revocation.Kind.ToString().ToLowerInvariant(),
            revocation.InstallationId,
            revocation.TokenHash is { } hash ? Base64Url.EncodeToString(hash) : null,
            revocation.ClientId,
            revocation.OccurredAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        return stream.EventAsync("revoked", sent, JsonSerializer.Serialize(message, Json), ct);
    }

    private sealed record RevokedMessage(string Kind, Guid? InstallationId, string? TokenHash, string? ClientId, string At);
}

/// <summary>The text/event-stream framing (WHATWG HTML §9.2.6): fields as lines, an empty line ends an event.
/// JSON data never holds a line break, so each event's data is one <c>data:</c> line.</summary>
internal sealed class SseWriter(HttpResponse response)
{
    public Task EventAsync(string type, long id, string data, CancellationToken ct) =>
        WriteAsync($"event: {type}\nid: {id}\ndata: {data}\n\n", ct);

    public Task WriteAsync(string text, CancellationToken ct) => response.WriteAsync(text, ct);

    public Task FlushAsync(CancellationToken ct) => response.Body.FlushAsync(ct);
}
