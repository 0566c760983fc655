using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;

namespace Latchkey.BrowserTests;

/// <summary>
/// Web apps these tests run on real loopback ports, because a browser cannot reach an in-memory test server:
/// Latchkey, a client's redirect URI, a relying party. Port 0 lets the operating system pick a free port.
/// </summary>
public static class Loopback
{
    public static WebApplicationBuilder OnFreePort(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // Warnings only, "Now listening on" included: the category's own rule, so appsettings.json's Information does not win.
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning);
        return builder;
    }

    /// <summary>Where a started app listens, e.g. <c>http://127.0.0.1:41234</c>, without a trailing slash.</summary>
    public static string Origin(this WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
}
