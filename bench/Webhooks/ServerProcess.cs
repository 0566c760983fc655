using System.Globalization;

namespace Latchkey.Bench.Webhooks;

/// <summary>
/// The Latchkey process's CPU time (user + system, <c>/proc/PID/stat</c> fields 14 and 15) and peak resident set
/// (<c>VmHWM</c>, reset by writing 5 to <c>/proc/PID/clear_refs</c>) since <see cref="StartMeasuring"/>: what
/// bench/run.sh's measure() reads around a wrk run.
/// </summary>
internal sealed class ServerProcess(int pid)
{
    /// <summary>USER_HZ, the unit of /proc's CPU times: 100 on every Linux architecture .NET runs on.</summary>
    private const double TicksPerSecond = 100;

    private long _startTicks;

    public void StartMeasuring()
    {
        File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        _startTicks = Ticks();
    }

    public double CpuSeconds => (Ticks() - _startTicks) / TicksPerSecond;

    public long PeakRssKib =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private long Ticks()
    {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
