using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Revocations;

/// <summary>A revocation as the feed sends it: the app's client id resolved, null only if the app is gone.</summary>
public sealed record RevocationEvent(long Id, RevocationKind Kind, string? ClientId, Guid? InstallationId, byte[]? TokenHash, DateTimeOffset OccurredAt);

/// <summary>The read side of the revocation log, for the feed. Every query is by the key or the time index.</summary>
public sealed class RevocationLog(LatchkeyDbContext db)
{
    /// <summary>The newest entry's id, 0 for an empty log.</summary>
    public async Task<long> HeadAsync(CancellationToken ct) =>
        await db.Revocations.MaxAsync(r => (long?)r.Id, ct) ?? 0;

    /// <summary>The oldest entry still kept; null for an empty log.</summary>
    public Task<long?> OldestAsync(CancellationToken ct) => db.Revocations.MinAsync(r => (long?)r.Id, ct);

    /// <summary>The ids of the entries after <paramref name="after"/>, in order.</summary>
    public Task<List<long>> IdsAfterAsync(long after, CancellationToken ct) =>
        db.Revocations.Where(r => r.Id > after).OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(ct);

    /// <summary>Entries after <paramref name="after"/>, and those of <paramref name="ids"/>, in id order.</summary>
    public Task<List<RevocationEvent>> ReadAsync(long after, IReadOnlyCollection<long> ids, int limit, CancellationToken ct) =>
        Events(db.Revocations.Where(r => r.Id > after || ids.Contains(r.Id)), limit).ToListAsync(ct);

    /// <summary>
    /// What a subscriber resuming from <paramref name="cursor"/> may have missed, a page at a time from <paramref name="pageAfter"/>:
    /// every entry after the cursor, and every entry written since <paramref name="since"/>, which covers entries
    /// below the cursor whose transaction committed after the cursor's entry was sent.
    /// </summary>
    public Task<List<RevocationEvent>> ReadMissedAsync(long cursor, DateTimeOffset since, long pageAfter, int limit, CancellationToken ct) =>
        Events(db.Revocations.Where(r => r.Id > pageAfter && (r.Id > cursor || r.OccurredAt >= since)), limit).ToListAsync(ct);

    /// <summary>When the entry <paramref name="id"/>, or the first kept after it, was written; null when there is none.</summary>
    public Task<DateTimeOffset?> OccurredAtFromAsync(long id, CancellationToken ct) =>
        db.Revocations.Where(r => r.Id >= id).OrderBy(r => r.Id).Select(r => (DateTimeOffset?)r.OccurredAt).FirstOrDefaultAsync(ct);

    /// <summary>Deletes entries written before <paramref name="before"/>, always keeping the newest, so the head stays known.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct)
    {
        var head = await HeadAsync(ct);
        return await db.Revocations.Where(r => r.OccurredAt < before && r.Id < head).ExecuteDeleteAsync(ct);
    }

    private IQueryable<RevocationEvent> Events(IQueryable<Revocation> entries, int limit) =>
        (from r in entries.AsNoTracking()
         join i in db.Installations.AsNoTracking() on r.InstallationId equals (Guid?)i.Id into installations
         from i in installations.DefaultIfEmpty()
         join a in db.Apps.AsNoTracking() on i!.AppId equals a.Id into apps
         from a in apps.DefaultIfEmpty()
         orderby r.Id
         select new RevocationEvent(r.Id, r.Kind, r.ClientId ?? a!.ClientId, r.InstallationId, r.TokenHash, r.OccurredAt))
        .Take(limit);
}
