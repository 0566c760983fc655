using System.Net.Http.Headers;
using System.Text;

namespace Latchkey.AspNetCore.Validation;

/// <summary>The one HTTP client a scheme talks to its Latchkey server with, authenticated as the resource server.</summary>
internal sealed class LatchkeyBackchannel : IDisposable
{
    public LatchkeyBackchannel(LatchkeyAuthenticationOptions options)
    {
        // No client-wide timeout: the revocation feed is one response that never ends. Each call sets its own.
        Client = new HttpClient(options.BackchannelHttpHandler ?? new SocketsHttpHandler(), disposeHandler: options.BackchannelHttpHandler is null)
        {
            BaseAddress = options.AuthorityUri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded.
        Credentials = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $"{Uri.EscapeDataString(options.ClientId!)}:{Uri.EscapeDataString(options.ClientSecret!)}")));
    }

    public HttpClient Client { get; }
    public AuthenticationHeaderValue Credentials { get; }

    public void Dispose() => Client.Dispose();
}
