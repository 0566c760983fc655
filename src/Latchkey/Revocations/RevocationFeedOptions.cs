namespace Latchkey.Revocations;

/// <summary>The <c>Latchkey:Revocations</c> settings: how the revocation feed follows and keeps its log.</summary>
public sealed class RevocationFeedOptions
{
    /// <summary>How often the log is read, subscribers or not (<see cref="RevocationFeed"/> keeps its place in it). The feed's
    /// delay is about this plus the network.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long entries are kept: a subscriber away longer is told to drop its whole cache (a <c>reset</c>).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A comment line this often keeps idle streams open through proxies and tells a subscriber the stream is alive.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The longest a revoking transaction may take between stamping its entry and committing, plus the clock skew between
    /// server nodes. An entry can become visible this late below ids already sent, so gaps are awaited, and a resumed
    /// subscriber is sent again, this far back. Revoking transactions stamp their entry after taking their locks and
    /// commit right after a few statements, so they take milliseconds, far under it.
    /// </summary>
    public static readonly TimeSpan CommitWindow = TimeSpan.FromSeconds(60);
}
