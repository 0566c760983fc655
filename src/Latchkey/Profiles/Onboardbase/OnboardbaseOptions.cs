namespace Latchkey.Profiles.Onboardbase;

/// <summary>The <c>Latchkey:Onboardbase</c> configuration section.</summary>
public sealed class OnboardbaseOptions
{
    /// <summary>
    /// How long an API key works. Seed 003 names no lifetime, only an absolute <c>expires_in</c>. No refresh
    /// token comes with the key, so this is also how often a user must authorize the app again. 90 days:
    /// the rotation period commonly asked of long-lived API keys, and the window FUB gives an unused refresh token.
    /// </summary>
    public TimeSpan ApiKeyLifetime { get; set; } = TimeSpan.FromDays(90);
}
