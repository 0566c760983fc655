using Latchkey.Revocations;
using Latchkey.Tokens;
using Microsoft.Extensions.Options;

namespace Latchkey.Configuration;

/// <summary>
/// Refuses settings that would run unsafely, before the server takes a request (STYLE.md §10: loud when a default
/// is unsafe). The messages name the configuration key, as an operator types it.
/// </summary>
public sealed class LatchkeyOptionsValidator : IValidateOptions<LatchkeyOptions>
{
    public const string RefreshReuseGraceKey = $"{LatchkeyOptions.Section}:{nameof(LatchkeyOptions.Lifetimes)}:{nameof(TokenLifetimes.RefreshReuseGrace)}";
    private const string RevocationsKey = $"{LatchkeyOptions.Section}:{nameof(LatchkeyOptions.Revocations)}";

    public ValidateOptionsResult Validate(string? name, LatchkeyOptions options)
    {
        string[] failures = [.. Failures(options)];
        return failures.Length > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private static IEnumerable<string> Failures(LatchkeyOptions options)
    {
        // The binder takes a number as well as a name, so 7 would otherwise reach SQLite as an unknown mode it ignores.
        if (!Enum.IsDefined(options.SqliteSynchronous))
        {
            yield return $"{LatchkeyOptions.Section}:{nameof(LatchkeyOptions.SqliteSynchronous)} is {options.SqliteSynchronous}; it must be Full or Normal.";
        }
        var grace = options.Lifetimes.RefreshReuseGrace;
        if (grace < TimeSpan.Zero || grace > TokenLifetimes.MaxRefreshReuseGrace)
        {
            yield return $"{RefreshReuseGraceKey} is {grace:c}; it must be between 00:00:00 (off) and "
                + $"{TokenLifetimes.MaxRefreshReuseGrace:c}: a longer grace lets a stolen refresh token go unnoticed for longer.";
        }
        var feed = options.Revocations;
        if (feed.PollInterval <= TimeSpan.Zero || feed.PollInterval > TimeSpan.FromSeconds(1))
        {
            yield return $"{RevocationsKey}:{nameof(RevocationFeedOptions.PollInterval)} is {feed.PollInterval:c}; it must be more than 0 and at most "
                + "00:00:01: revocations must reach resource servers within about a second.";
        }
        if (feed.KeepAlive < TimeSpan.FromMilliseconds(100) || feed.KeepAlive > TimeSpan.FromSeconds(30))
        {
            yield return $"{RevocationsKey}:{nameof(RevocationFeedOptions.KeepAlive)} is {feed.KeepAlive:c}; it must be between 00:00:00.1 and 00:00:30: "
                + "subscribers take 30 s of silence for a dead stream.";
        }
        if (feed.Retention < TimeSpan.FromHours(1))
        {
            yield return $"{RevocationsKey}:{nameof(RevocationFeedOptions.Retention)} is {feed.Retention:c}; it must be at least 01:00:00, "
                + "or a resource server restarting or redeploying would find its cursor pruned and drop its whole cache.";
        }
    }
}
