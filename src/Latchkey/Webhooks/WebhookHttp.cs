using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Latchkey.Webhooks;

/// <summary>
/// The HTTP client deliveries go out through: no redirects (a 3xx is a failed attempt, not an invitation to go
/// elsewhere), no proxy, no cookies, and a connect step that resolves the host itself and refuses addresses
/// <see cref="WebhookAddressPolicy"/> forbids, so the address checked is the address connected to.
/// </summary>
public sealed class WebhookHttp : IDisposable
{
    public WebhookHttp(IOptions<WebhookOptions> options)
    {
        var settings = options.Value;
        Client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = settings.AttemptTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, settings, ct),
        })
        {
            // Each attempt has its own deadline (WebhookSender).
            Timeout = Timeout.InfiniteTimeSpan,
        };
        Client.DefaultRequestHeaders.UserAgent.ParseAdd("Latchkey-Webhooks/1");
    }

    public HttpClient Client { get; }

    public void Dispose() => Client.Dispose();

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, WebhookOptions settings, CancellationToken ct)
    {
        var host = endpoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(a => WebhookAddressPolicy.Refusal(a, settings) is null).ToArray();
        if (allowed.Length == 0)
        {
            var reason = addresses.Length == 0 ? "no address" : WebhookAddressPolicy.Refusal(addresses[0], settings);
            throw new WebhookTargetRefusedException($"{host} resolves to {reason}, which webhooks may not be delivered to.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>The target of a delivery is not allowed (<see cref="WebhookAddressPolicy"/>, or a plain-http URL).</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);
