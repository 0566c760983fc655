using Latchkey.Revocations;

namespace Latchkey.Tests.Revocations;

/// <summary>The poller's bookkeeping of ids jumped over (<see cref="RevocationSequence"/>).</summary>
public sealed class RevocationSequenceTests
{
    [Fact]
    public void IdsJumpedOver_AreGaps_UntilTheyShowUp()
    {
        var sequence = new RevocationSequence(10);

        sequence.Observe([11, 14], now: 0, gapLifetimeMs: 1000);
        Assert.Equal(14, sequence.HighWater);
        Assert.Equal([12, 13], sequence.Gaps.Order());

        sequence.Observe([13], now: 10, gapLifetimeMs: 1000);
        Assert.Equal(14, sequence.HighWater);
        Assert.Equal([12], sequence.Gaps);
    }

    [Fact]
    public void AGapOlderThanAnyTransaction_IsForgotten()
    {
        var sequence = new RevocationSequence(0);
        sequence.Observe([3], now: 0, gapLifetimeMs: 1000);

        sequence.Observe([], now: 999, gapLifetimeMs: 1000);
        Assert.Equal(2, sequence.Gaps.Count);
        sequence.Observe([], now: 1001, gapLifetimeMs: 1000);
        Assert.Empty(sequence.Gaps);
    }

    [Fact]
    public void AHugeJump_TracksOnlyTheIdsJustBelowIt()
    {
        var sequence = new RevocationSequence(0);

        sequence.Observe([1_000_000], now: 0, gapLifetimeMs: 1000);

        Assert.Equal(RevocationSequence.MaxGaps, sequence.Gaps.Count);
        Assert.Equal(1_000_000 - RevocationSequence.MaxGaps, sequence.Gaps.Min());
    }
}
