using System.Collections.Concurrent;
using Latchkey.AspNetCore.Tokens;

namespace Latchkey.AspNetCore.Validation;

/// <summary>
/// Validated tokens by <see cref="TokenHash"/> (never the token), bounded in size and in time. An entry is trusted for
/// <see cref="LatchkeyAuthenticationOptions.CacheDuration"/> while the revocation feed is connected and has replayed
/// what it missed (<see cref="Confirm"/>), for <see cref="LatchkeyAuthenticationOptions.DisconnectedCacheDuration"/>
/// otherwise, and never past the token's own <c>exp</c>. A hit reads one dictionary slot and allocates nothing.
/// </summary>
internal sealed class TokenCache(LatchkeyAuthenticationOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<TokenHash, Entry> _entries = new();

    /// <summary>
    /// When each recently revoked installation was revoked, as a generation. Installation events are frequent (every
    /// refresh rotation and every new token set, so every client_credentials request, sends one), so instead of scanning
    /// the cache for the installation's entries, a hit checks whether its installation was revoked after it was cached.
    /// </summary>
    private readonly ConcurrentDictionary<Guid, Revoked> _revokedInstallations = new();
    private readonly long _confirmedTicks = options.CacheDuration.Ticks;
    private readonly long _unconfirmedTicks = options.DisconnectedCacheDuration.Ticks;
    private volatile bool _confirmed;
    private long _generation;

    /// <summary>Read before a lookup and handed to <see cref="Add"/>: an eviction in between means the lookup's answer may be stale.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>True while the revocation feed is connected and caught up.</summary>
    public bool IsConfirmed => _confirmed;

    public int Count => _entries.Count;

    public bool TryGet(in TokenHash hash, out ValidatedToken token)
    {
        if (_entries.TryGetValue(hash, out var entry) && IsLive(entry, clock.GetUtcNow().UtcTicks))
        {
            token = entry.Token;
            return true;
        }
        token = null!;
        return false;
    }

    /// <summary>
    /// Caches <paramref name="token"/> unless a revocation arrived since <paramref name="generationBefore"/> (the lookup
    /// may have read the token just before it died) or the cache is full of fresh entries.
    /// </summary>
    public void Add(in TokenHash hash, ValidatedToken token, long generationBefore)
    {
        var now = clock.GetUtcNow().UtcTicks;
        if (options.CacheSize == 0 || Generation != generationBefore || (_entries.Count >= options.CacheSize && !SweepExpired(now)))
        {
            return;
        }
        _entries[hash] = new Entry(token, now, token.ExpiresAt?.UtcTicks ?? long.MaxValue, generationBefore);
        // An eviction that began after the check above may have scanned before this entry was in: look again.
        if (Generation != generationBefore)
        {
            _entries.TryRemove(hash, out _);
        }
    }

    public void EvictToken(in TokenHash hash)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(hash, out _);
    }

    /// <summary>Every entry of the installation cached before now stops being served; the sweep removes them later.</summary>
    public void EvictInstallation(Guid installationId)
    {
        var generation = Interlocked.Increment(ref _generation);
        var now = clock.GetUtcNow().UtcTicks;
        _revokedInstallations[installationId] = new Revoked(generation, now);
        if ((generation & 1023) == 0)
        {
            ForgetOldRevocations(now);
        }
    }

    /// <summary>An app's deletion is rare next to requests, so it scans rather than keep an index per app.</summary>
    public void EvictClient(string clientId) => EvictWhere(token => string.Equals(token.ClientId, clientId, StringComparison.Ordinal));

    /// <summary>Drops everything: the feed's <c>reset</c>, or a feed that starts without a cursor and so cannot vouch for earlier entries.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        _revokedInstallations.Clear();
    }

    /// <summary>The feed is caught up (its <c>ready</c> event): entries may live their full duration.</summary>
    public void Confirm() => _confirmed = true;

    /// <summary>The feed is gone: revocations may be missed until it is back, so entries live only briefly.</summary>
    public void Unconfirm() => _confirmed = false;

    private bool IsLive(Entry entry, long now) =>
        now < entry.ExpiresAt
        && now - entry.CachedAt < (_confirmed ? _confirmedTicks : _unconfirmedTicks)
        && !(_revokedInstallations.TryGetValue(entry.Token.InstallationId, out var revoked) && revoked.Generation > entry.Generation);

    /// <summary>
    /// A revocation older than the longest an entry lives needs no record: an entry cached before it has aged out. (An
    /// entry is only added while no eviction happened during its lookup, so it was cached before the revocation it predates.)
    /// </summary>
    private void ForgetOldRevocations(long now)
    {
        var longest = Math.Max(_confirmedTicks, _unconfirmedTicks) + TimeSpan.TicksPerSecond;
        foreach (var (installationId, revoked) in _revokedInstallations)
        {
            if (now - revoked.At > longest)
            {
                _revokedInstallations.TryRemove(KeyValuePair.Create(installationId, revoked));
            }
        }
    }

    private void EvictWhere(Func<ValidatedToken, bool> match)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (hash, entry) in _entries)
        {
            if (match(entry.Token))
            {
                _entries.TryRemove(hash, out _);
            }
        }
    }

    /// <summary>Removes entries past their lifetime; true when that made room.</summary>
    private bool SweepExpired(long now)
    {
        foreach (var (hash, entry) in _entries)
        {
            if (!IsLive(entry, now))
            {
                _entries.TryRemove(hash, out _);
            }
        }
        return _entries.Count < options.CacheSize;
    }

    /// <summary><paramref name="Generation"/>: the cache's generation when the lookup that produced it began.</summary>
    private sealed record Entry(ValidatedToken Token, long CachedAt, long ExpiresAt, long Generation);

    private readonly record struct Revoked(long Generation, long At);
}
