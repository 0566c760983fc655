using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Serialization;
using Latchkey.AspNetCore.Tokens;
using Latchkey.AspNetCore.Validation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Latchkey.AspNetCore.Revocations;

/// <summary>
/// Keeps a scheme's cache honest: subscribes to <c>GET {Authority}/oauth/revocations</c> (server-sent events,
/// authenticated as the resource server) and evicts what each <c>revoked</c> event names, by token hash, installation
/// or client id; <c>reset</c> drops everything. Until the stream's <c>ready</c> event (after any replay), and whenever
/// it is gone, the cache trusts entries only briefly (<see cref="TokenCache.Unconfirm"/>). It reconnects with backoff
/// and <c>Last-Event-ID</c>, so the server replays what was missed; a stream silent past the keep-alive window is
/// reconnected. The server's side: src/Latchkey/Revocations/RevocationFeedEndpoint.cs and RevocationStream.cs.
/// </summary>
internal sealed partial class RevocationFeed(LatchkeyScheme scheme, TimeProvider clock, ILogger<RevocationFeed> logger) : BackgroundService
{
    private static readonly Uri Endpoint = new("oauth/revocations", UriKind.Relative);

    /// <summary>The server sends a keep-alive every 15 s; twice that without a line means the stream is dead.</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    /// <summary>The id of the last event processed; sent as <c>Last-Event-ID</c> on reconnection.</summary>
    private string? _cursor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ListenAsync(stoppingToken))
                {
                    retry = FirstRetry;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever went wrong, the API keeps serving (a failed hosted service would stop the host) and the feed retries.
                LogDisconnected(logger, scheme.Name, e.Message);
            }
            finally
            {
                scheme.Cache.Unconfirm();
            }
            await Task.Delay(retry, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
    }

    /// <summary>One connection, until it ends. True when it got as far as <c>ready</c>.</summary>
    private async Task<bool> ListenAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Endpoint);
        request.Headers.Authorization = scheme.Backchannel.Credentials;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var resuming = _cursor is not null;
        if (resuming)
        {
            request.Headers.Add("Last-Event-ID", _cursor);
        }
        using var response = await scheme.Backchannel.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            LogRefused(logger, scheme.Name, (int)response.StatusCode);
            return false;
        }
        var ready = false;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(IdleTimeout);
        await using var stream = new IdleWatchedStream(await response.Content.ReadAsStreamAsync(ct), idle, IdleTimeout);
        try
        {
            // WHATWG HTML §9.2.6's parsing rules, by .NET's own parser.
            await foreach (var message in SseParser.Create(stream).EnumerateAsync(idle.Token))
            {
                switch (message.EventType)
                {
                    case "revoked":
                        Evict(JsonSerializer.Deserialize<Revoked>(message.Data));
                        break;
                    case "reset":
                        // The server cannot prove nothing was missed (the cursor is too old or unknown).
                        scheme.Cache.Clear();
                        break;
                    case "ready":
                        // A stream started without a cursor replays nothing, so entries cached before it are unvouched for.
                        if (!resuming)
                        {
                            scheme.Cache.Clear();
                        }
                        scheme.Cache.Confirm();
                        ready = true;
                        break;
                }
                if (message.EventId is { Length: > 0 } id)
                {
                    _cursor = id;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the stream said nothing for {IdleTimeout.TotalSeconds:0} s");
        }
        return ready;
    }

    /// <summary>Events are idempotent; an unrecognised kind evicts the whole app, the widest thing an event names.</summary>
    private void Evict(Revoked? revoked)
    {
        switch (revoked)
        {
            case { Kind: "token", TokenHash: { } hash } when TokenHash.TryParse(hash, out var key):
                scheme.Cache.EvictToken(key);
                break;
            case { Kind: "installation", InstallationId: { } installation }:
                scheme.Cache.EvictInstallation(installation);
                break;
            case { ClientId: { } clientId }:
                scheme.Cache.EvictClient(clientId);
                break;
            default:
                throw new JsonException("A revoked event names no token, installation or app.");
        }
    }

    private sealed record Revoked(
        [property: JsonPropertyName("kind")] string? Kind,
        [property: JsonPropertyName("token_hash")] string? TokenHash,
        [property: JsonPropertyName("installation_id")] Guid? InstallationId,
        [property: JsonPropertyName("client_id")] string? ClientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Latchkey scheme {Scheme}: the revocation feed dropped ({Reason}); cached tokens live 1 s until it is back.")]
    private static partial void LogDisconnected(ILogger logger, string scheme, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Latchkey scheme {Scheme}: the revocation feed answered {Status}; check the resource server's credentials and that the server has GET /oauth/revocations.")]
    private static partial void LogRefused(ILogger logger, string scheme, int status);
}
