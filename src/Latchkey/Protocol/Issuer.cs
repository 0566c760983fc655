using Latchkey.Configuration;
using Microsoft.Extensions.Options;

namespace Latchkey.Protocol;

/// <summary>
/// This server's issuer identifier (RFC 8414 §2): the configured <c>Latchkey:Issuer</c>, or the
/// request's own origin when none is set (fine for development; production should set it, since
/// a Host header is the client's to choose).
/// </summary>
public sealed class Issuer(IOptions<LatchkeyOptions> options)
{
    public string For(HttpRequest request) =>
        options.Value.Issuer?.TrimEnd('/') is { Length: > 0 } configured
            ? configured
            : $"{request.Scheme}://{request.Host}{request.PathBase}".TrimEnd('/');
}
