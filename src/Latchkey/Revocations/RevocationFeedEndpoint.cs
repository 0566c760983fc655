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
        if (await resourceServers.AuthenticateAsync(id, secret, ct) is not { } server)
        {
            return OAuthHttp.Error(http.Response, OAuthError.InvalidClient(
                "The revocation feed is for resource servers: authenticate with HTTP Basic and the id and secret of 'latchkey resource-server create'."));
        }
        if (!TryReadCursor(http.Request, out var cursor))
        {
            return OAuthHttp.Error(http.Response, OAuthError.InvalidRequest(
                $"'{AfterParameter}' (or Last-Event-ID) must be the id of the last event received: a whole number, 0 or more."));
        }
        // Subscribed before the backlog is read, so nothing written in between falls through (RevocationFeed remarks).
        var subscription = feed.TrySubscribe(server.ClientId);
        if (subscription is null)
        {
            return OAuthHttp.Error(http.Response, new OAuthError("too_many_streams",
                $"This resource server already holds {RevocationFeed.MaxSubscriptionsPerSubscriber} open revocation streams; close one first.",
                StatusCodes.Status429TooManyRequests));
        }
        if (!await IsFollowingAsync(feed, ct))
        {
            subscription.Dispose();
            http.Response.Headers.RetryAfter = "1";
            return OAuthHttp.Error(http.Response, new OAuthError("temporarily_unavailable",
                "The revocation log cannot be read right now; retry in a moment, and meanwhile cache tokens only briefly.",
                StatusCodes.Status503ServiceUnavailable));
        }
        return new RevocationStream(cursor, subscription, log, options.Value.Revocations, feed, lifetime.ApplicationStopping);
    }

    /// <summary>True once the feed follows the log, waiting a little for it at startup.</summary>
    private static async Task<bool> IsFollowingAsync(RevocationFeed feed, CancellationToken ct)
    {
        try
        {
            await feed.WaitUntilFollowingAsync(ct).WaitAsync(TimeSpan.FromSeconds(5), ct);
        }
        catch (TimeoutException)
        {
            return false;
        }
        return feed.IsFollowing;
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
