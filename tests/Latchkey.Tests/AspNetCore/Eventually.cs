using System.Diagnostics;

namespace Latchkey.Tests.AspNetCore;

/// <summary>Polls a condition the system under test reaches on its own time.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, double seconds = 5)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), "the condition did not hold in time");
            await Task.Delay(20);
        }
    }
}
