namespace Latchkey.Tests.Infrastructure;

/// <summary>A clock a test moves by hand, to cross expiry times without waiting:
/// <c>StartAsync(kind, services: s => s.AddSingleton&lt;TimeProvider&gt;(clock))</c>. It starts on a whole
/// second, so times derived from it survive every database's precision and compare exactly.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public ManualClock() : this(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()))
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
