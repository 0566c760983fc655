using System.Runtime.CompilerServices;
using System.Text;

namespace Latchkey.AspNetCore.Revocations;

/// <summary>One dispatched server-sent event: its type (default <c>message</c>), the last event id seen, and its data.</summary>
internal sealed record ServerSentEvent(string Type, string? Id, string Data);

/// <summary>
/// The parsing rules of the HTML Standard's "Server-sent events" §9.2.6 (event stream interpretation), for one
/// connection: <c>field: value</c> lines, <c>:</c> comments, a blank line dispatches. The <c>id</c> persists across
/// events as the standard's "last event ID". A stream that says nothing for <paramref name="idleTimeout"/> (not even
/// a keep-alive comment) is taken as dead: the reading stops with <see cref="TimeoutException"/>.
/// </summary>
internal static class ServerSentEvents
{
    public static async IAsyncEnumerable<ServerSentEvent> ReadAsync(Stream stream, TimeSpan idleTimeout, [EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        string? lastId = null;
        string type = "";
        var data = new StringBuilder();
        while (true)
        {
            idle.CancelAfter(idleTimeout);
            string? line;
            try
            {
                line = await reader.ReadLineAsync(idle.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"The revocation feed said nothing for {idleTimeout.TotalSeconds:0} s.");
            }
            if (line is null)
            {
                yield break;
            }
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    // The standard drops the data buffer's last line feed on dispatch.
                    yield return new ServerSentEvent(type.Length > 0 ? type : "message", lastId, data.ToString(0, data.Length - 1));
                }
                type = "";
                data.Clear();
                continue;
            }
            if (line[0] == ':')
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }
            switch (field)
            {
                case "event":
                    type = value;
                    break;
                case "data":
                    data.Append(value).Append('\n');
                    break;
                case "id" when !value.Contains('\0', StringComparison.Ordinal):
                    lastId = value;
                    break;
            }
        }
    }
}
