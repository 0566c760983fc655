using System.Diagnostics;
using System.Text.Json;
using Latchkey.Bench.Webhooks;

// Scenario 7 of bench/run.sh (issue 7): webhook deliveries per second from Latchkey to a fast local receiver, black box
// over HTTP against a running `latchkey serve` (started with Latchkey__Webhooks__AllowLoopback=true, everything else
// as shipped):
//  1. a receiver on a loopback port (Receiver.cs: answers 204 at once, counts what arrives);
//  2. --apps apps in the management key's organization, each with its own webhook path on the receiver, subscribed to
//     one event type and installed in that organization, so every published event fans out to --apps deliveries;
//  3. a warm-up round (--warmup-events), then the measured round: --events events published over --publishers
//     concurrent connections (POST /api/v1/events), timed from the first publish to the last delivery received.
// A round gives up when no delivery arrived for --idle seconds (a failed attempt is retried only a minute later).
// With --server-pid, the server's CPU time and peak RSS over the measured round are read from /proc, as bench/run.sh
// does around each wrk run.
//
//   webhooks --latchkey URL --key lkkey_… [--apps 16] [--events 1000] [--warmup-events 250] [--publishers 4] [--idle 30]
//            [--server-pid PID]
//
// Prints one line "BENCH {json}" for bench/run.sh and bench/report.py.
var options = args.Chunk(2).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
if (!options.TryGetValue("--latchkey", out var latchkey) || !options.TryGetValue("--key", out var key))
{
    await Console.Error.WriteLineAsync("usage: webhooks --latchkey URL --key KEY [--apps 16] [--events 1000] [--warmup-events 250] [--publishers 4] [--idle 30] [--server-pid PID]");
    return 2;
}
int Number(string name, int fallback) => options.TryGetValue(name, out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
var (apps, events, warmupEvents, publishers) = (Number("--apps", 16), Number("--events", 1000), Number("--warmup-events", 250), Number("--publishers", 4));
var idle = TimeSpan.FromSeconds(Number("--idle", 30));
var server = options.TryGetValue("--server-pid", out var pid) ? new ServerProcess(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture)) : null;

await using var receiver = await Receiver.StartAsync();
using var api = new LatchkeyApi(latchkey, key, publishers);
// Names are unique per organization: the suffix lets the scenario run again on the same database.
var run = Guid.NewGuid().ToString("N")[..8];
for (var i = 0; i < apps; i++)
{
    await api.SubscribeAsync($"Bench webhooks {run} {i}", receiver.Url(i));
}

async Task<Dictionary<string, object?>> RoundAsync(int count)
{
    receiver.Reset();
    server?.StartMeasuring();
    var started = Stopwatch.GetTimestamp();
    var published = await api.PublishAsync(count);
    var complete = await receiver.WaitForAsync(published.Queued, idle);
    var cpuSeconds = server?.CpuSeconds;
    var seconds = receiver.LastAt == 0 ? 0 : Stopwatch.GetElapsedTime(started, receiver.LastAt).TotalSeconds;
    return new()
    {
        ["events"] = count,
        ["accepted"] = published.Accepted,
        ["refused"] = published.Refused,
        ["publish_seconds"] = Math.Round(published.Elapsed.TotalSeconds, 3),
        ["queued"] = published.Queued,
        ["received"] = receiver.Requests,
        ["distinct"] = receiver.Distinct,
        ["seconds"] = Math.Round(seconds, 3),
        ["complete"] = complete,
        ["server_cpu_seconds"] = cpuSeconds,
        ["server_peak_rss_kib"] = server?.PeakRssKib,
    };
}

var warmup = await RoundAsync(warmupEvents);
await Console.Error.WriteLineAsync($"warm-up: {JsonSerializer.Serialize(warmup)}");
var measured = await RoundAsync(events);
measured["apps"] = apps;
measured["publishers"] = publishers;
Console.WriteLine($"BENCH {JsonSerializer.Serialize(measured)}");
return 0;
