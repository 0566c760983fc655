namespace Latchkey.Revocations;

/// <summary>
/// Follows the log's ids as a poller sees them. Ids are handed out when a row is inserted, not when its transaction
/// commits, so on PostgreSQL a poller can see id 12 before id 11 commits. Reading only "after the highest id seen"
/// would skip 11 for good; so every id jumped over is kept as a gap and asked for again on each poll until it shows
/// up, or until it is older than any transaction can be (then it was rolled back, or the sequence skipped it).
/// SQLite commits one writer at a time, in id order, so there gaps come only from rollbacks.
/// </summary>
public sealed class RevocationSequence(long highWater)
{
    /// <summary>More ids than this jumped at once are not all tracked: only the highest, as a sequence that skipped
    /// ahead (PostgreSQL after a crash) is not a crowd of open transactions.</summary>
    public const int MaxGaps = 10_000;

    private readonly Dictionary<long, long> gapSince = [];

    public long HighWater { get; private set; } = highWater;

    public IReadOnlyCollection<long> Gaps => gapSince.Keys;

    /// <summary>Takes in the ids one poll read, in ascending order, at <paramref name="now"/> (ms, a monotonic clock),
    /// and forgets gaps open longer than <paramref name="gapLifetimeMs"/>.</summary>
    public void Observe(IEnumerable<long> ids, long now, long gapLifetimeMs)
    {
        foreach (var id in ids)
        {
            if (id <= HighWater)
            {
                gapSince.Remove(id);
                continue;
            }
            for (var gap = Math.Max(HighWater + 1, id - MaxGaps); gap < id; gap++)
            {
                gapSince[gap] = now;
            }
            HighWater = id;
        }
        foreach (var (gap, since) in gapSince)
        {
            if (now - since > gapLifetimeMs)
            {
                gapSince.Remove(gap);
            }
        }
    }
}
