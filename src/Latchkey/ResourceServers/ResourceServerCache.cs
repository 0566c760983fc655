using System.Collections.Concurrent;

namespace Latchkey.ResourceServers;

/// <summary>
/// Resource-server rows, read by client id, kept for <see cref="Lifetime"/>. Every introspection and every revocation-feed
/// connection authenticates its caller; read from the database each time, that lookup cost as much CPU as the token's
/// own (README "Benchmarks"). Only rows that exist are kept, so garbage ids cannot grow it, and the secret is still
/// compared on every request (<see cref="ResourceServerCredentials.AuthenticateAsync"/>): what the cache can make stale
/// is a revocation, which is seen within <see cref="Lifetime"/>, as resource servers see token revocations (DESIGN.md
/// "Resource servers": "within about a second").
/// </summary>
public sealed class ResourceServerCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (ResourceServer Server, DateTimeOffset ReadAt)> byClientId = new(StringComparer.Ordinal);

    public async Task<ResourceServer?> GetOrReadAsync(string clientId, Func<string, CancellationToken, Task<ResourceServer?>> read,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (byClientId.TryGetValue(clientId, out var kept) && now - kept.ReadAt < Lifetime)
        {
            return kept.Server;
        }
        var server = await read(clientId, ct);
        if (server is null)
        {
            byClientId.TryRemove(clientId, out _);
        }
        else
        {
            byClientId[clientId] = (server, now);
        }
        return server;
    }
}
