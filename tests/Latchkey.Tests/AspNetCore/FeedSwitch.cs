namespace Latchkey.Tests.AspNetCore;

/// <summary>
/// Stands between the resource server and Latchkey's real revocation feed so a test can cut the stream
/// (<see cref="Drop"/>) and keep it from coming back (<see cref="Block"/>) until <see cref="Unblock"/>.
/// It records the <c>Last-Event-ID</c> of every subscription. Other requests pass through untouched.
/// </summary>
public sealed class FeedSwitch(HttpMessageHandler latchkey) : DelegatingHandler(latchkey)
{
    private readonly List<string?> _lastEventIds = [];
    private volatile bool _blocked;
    private DroppableStream? _current;

    /// <summary>The <c>Last-Event-ID</c> each subscription sent (null: none), in order.</summary>
    public IReadOnlyList<string?> LastEventIds
    {
        get
        {
            lock (_lastEventIds)
            {
                return [.. _lastEventIds];
            }
        }
    }

    public void Block() => _blocked = true;

    public void Unblock() => _blocked = false;

    /// <summary>The current stream fails, as when the network or a proxy drops the connection.</summary>
    public void Drop() => _current?.Drop();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.AbsolutePath != "/oauth/revocations")
        {
            return await base.SendAsync(request, cancellationToken);
        }
        if (_blocked)
        {
            throw new HttpRequestException("The test keeps the revocation feed unreachable.");
        }
        lock (_lastEventIds)
        {
            _lastEventIds.Add(request.Headers.TryGetValues("Last-Event-ID", out var ids) ? ids.Single() : null);
        }
        var response = await base.SendAsync(request, cancellationToken);
        var stream = new DroppableStream(await response.Content.ReadAsStreamAsync(cancellationToken));
        var content = new StreamContent(stream);
        foreach (var header in response.Content.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        response.Content = content;
        _current = stream;
        return response;
    }

    private sealed class DroppableStream(Stream inner) : Stream
    {
        private readonly CancellationTokenSource _dropped = new();

        public void Drop() => _dropped.Cancel();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _dropped.Token);
            try
            {
                return await inner.ReadAsync(buffer, either.Token);
            }
            catch (OperationCanceledException) when (_dropped.IsCancellationRequested)
            {
                throw new IOException("The test dropped the revocation feed.");
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                _dropped.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
