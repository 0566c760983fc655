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

    public ValidateOptionsResult Validate(string? name, LatchkeyOptions options)
    {
        var grace = options.Lifetimes.RefreshReuseGrace;
        return grace < TimeSpan.Zero || grace > TokenLifetimes.MaxRefreshReuseGrace
            ? ValidateOptionsResult.Fail($"{RefreshReuseGraceKey} is {grace:c}; it must be between 00:00:00 (off) and "
                + $"{TokenLifetimes.MaxRefreshReuseGrace:c}: a longer grace lets a stolen refresh token go unnoticed for longer.")
            : ValidateOptionsResult.Success;
    }
}
