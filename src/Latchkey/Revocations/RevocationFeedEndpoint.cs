using System.Globalization;
using Latchkey.Configuration;
using Latchkey.Protocol;
using Latchkey.ResourceServers;
using Microsoft.Extensions.Options;

namespace Latchkey.Revocations;

/// <summary>
/// <c>GET /oauth/revocations</c>: the revocation feed, a server-sent-events stream (WHATWG HTML §9.2) that resource
/// servers follow to drop revoked tokens from their caches within about a second (README "Revocation feed").
/// Resource-server credentials only, as HTTP Basic (RFC 6749 §2.3.1): the stream names installations and token hashes,
/// which apps and the public have no business seeing.
/// </summary>
public static class RevocationFeedEndpoint
{
    public const string Path = "/oauth/revocations";

    /// <summary>The resume parameter; the standard <c>Last-Event-ID</c> header says the same and the query wins.</summary>
    public const string AfterParameter = "after";

    public static IEndpointRouteBuilder MapRevocationFeed(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, HandleAsync).WithTags("OAuth");
        return routes;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, ResourceServerCredentials resourceServers, RevocationFeed feed,
        RevocationLog log, IOptions<LatchkeyOptions> options, IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        OAuthHttp.NoStore(http.Response);
        var (id, secret, error) = BasicCredentials.Parse(http.Request.Headers.Authorization);
        if (error is not null)
        {
            return OAuthHttp.Error(http.Response, error);
        }
        if (!ResourceServerCredentials.IsResourceServerId(id) || await resourceServers.AuthenticateAsync(id!, secret!, ct) is null)
        {
            return OAuthHttp.Error(http.Response, OAuthError.InvalidClient(
                "The revocation feed is for resource servers: authenticate with HTTP Basic and the id and secret of 'latchkey resource-server create'."));
        }
        if (!TryReadCursor(http.Request, out var cursor))
        {
            return OAuthHttp.Error(http.Response, OAuthError.InvalidRequest(
                $"'{AfterParameter}' (or Last-Event-ID) must be the id of the last event received: a whole number, 0 or more."));
        }
        return new RevocationStream(cursor, feed, log, options.Value.Revocations, lifetime.ApplicationStopping);
    }

    private static bool TryReadCursor(HttpRequest request, out long? cursor)
    {
        cursor = null;
        var values = request.Query.TryGetValue(AfterParameter, out var after) ? after : request.Headers["Last-Event-ID"];
        if (values.Count == 0)
        {
            return true;
        }
        if (values.Count == 1 && long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            cursor = parsed;
            return true;
        }
        return false;
    }
}
