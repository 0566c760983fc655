using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

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

    /// <summary>The row kept for <paramref name="clientId"/>, if it was read less than <see cref="Lifetime"/> ago.</summary>
    public bool TryGet(string clientId, [NotNullWhen(true)] out ResourceServer? server)
    {
        server = byClientId.TryGetValue(clientId, out var kept) && clock.GetUtcNow() - kept.ReadAt < Lifetime ? kept.Server : null;
        return server is not null;
    }

    /// <summary>Keeps the row just read for <paramref name="clientId"/>; a missing one (deleted) is forgotten.</summary>
    public void Keep(string clientId, ResourceServer? server)
    {
        if (server is null)
        {
            byClientId.TryRemove(clientId, out _);
        }
        else
        {
            byClientId[clientId] = (server, clock.GetUtcNow());
        }
    }
}
