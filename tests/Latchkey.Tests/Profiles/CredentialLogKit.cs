using Latchkey.Hosting;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Profiles;

/// <summary>
/// For the profiles whose clients put credentials in URLs (FUB's legacy GET, Onboardbase's token query): configuration
/// that does its best to log everything, and the proof that none of it reached a log (DESIGN.md rule 4).
/// </summary>
public static class CredentialLogKit
{
    /// <summary>Configuration doing its best to log everything, the framework's request log included, to the recorder.</summary>
    public static readonly IReadOnlyDictionary<string, string?> LogEverything = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        [$"Logging:LogLevel:{CredentialSafeLogging.RequestLogCategory}"] = "Trace",
        ["Logging:Recorder:LogLevel:Default"] = "Trace",
        [$"Logging:Recorder:LogLevel:{CredentialSafeLogging.RequestLogCategory}"] = "Trace",
        ["Logging:Recorder:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostic*s"] = "Trace",
        // The console would print all of it into the test output; its own filters are not what is tested.
        ["Logging:Console:LogLevel:Default"] = "None",
    };

    /// <summary>
    /// No secret in any record: each whole value, and its last 20 characters alone in case a prefix were ever cut off
    /// before logging. The proof holds only if the recorder got the logs: Trace and Debug entries about <paramref name="path"/>,
    /// and nothing below Warning from the framework's request log.
    /// </summary>
    public static void AssertNoSecretLogged(RecordingLoggerProvider recorder, string path, IEnumerable<string> secrets)
    {
        var records = recorder.Records.ToList();
        Assert.Contains(records, r => r.Level == LogLevel.Trace);
        Assert.Contains(records, r => r.Level == LogLevel.Debug && r.Text.Contains(path, StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => r.Category == CredentialSafeLogging.RequestLogCategory && r.Level < LogLevel.Warning);
        var leaks = (
            from secret in secrets
            from record in records
            where record.Text.Contains(secret, StringComparison.Ordinal) || record.Text.Contains(secret[^20..], StringComparison.Ordinal)
            select $"{record.Category} ({record.Level}): {record.Text.Split('\n')[0]}").Distinct().ToList();
        Assert.True(leaks.Count == 0, "Secrets in the logs:\n" + string.Join("\n", leaks));
    }
}
