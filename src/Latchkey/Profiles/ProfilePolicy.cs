using Latchkey.Configuration;
using Latchkey.Profiles.Onboardbase;
using Latchkey.Tokens;
using Microsoft.Extensions.Options;

namespace Latchkey.Profiles;

/// <summary>What a profile decides about its apps' credentials: their prefixes, how long they live, and whether a refresh token comes with an access token.</summary>
public sealed record ProfilePolicy(TokenPrefixes Prefixes, TokenLifetimes Lifetimes, bool IssuesRefreshTokens);

/// <summary>
/// Each profile's <see cref="ProfilePolicy"/>. The standard and FeatureOS profiles take the operator's
/// <see cref="LatchkeyOptions.Lifetimes"/> (whose defaults are FeatureOS's, seed 004 "Lifetimes");
/// the others keep what their provider documents, because clients written for them rely on it.
/// </summary>
public sealed class ProfilePolicies(IOptions<LatchkeyOptions> options)
{
    /// <summary>
    /// FACTS.md "Follow Up Boss", "Token Lifetimes": code 15 min, access 60 min, refresh until 90 days unused
    /// (each rotation starts a new 90 days). The lost-response grace stays the operator's choice.
    /// </summary>
    private TokenLifetimes Fub => new()
    {
        AuthorizationCode = TimeSpan.FromMinutes(15),
        AccessToken = TimeSpan.FromMinutes(60),
        RefreshToken = TimeSpan.FromDays(90),
        RefreshReuseGrace = options.Value.Lifetimes.RefreshReuseGrace,
    };

    public ProfilePolicy For(ProfileName profile) => new(ProfileTokenPrefixes.For(profile), LifetimesOf(profile), IssuesRefreshTokens(profile));

    private TokenLifetimes LifetimesOf(ProfileName profile) => profile switch
    {
        ProfileName.Fub => Fub,
        ProfileName.Fillout => options.Value.Fillout.Lifetimes,
        ProfileName.Onboardbase => Onboardbase,
        _ => options.Value.Lifetimes,
    };

    /// <summary>Onboardbase (seed 003): an API key that lives <see cref="OnboardbaseOptions.ApiKeyLifetime"/>; codes as the operator set them.</summary>
    private TokenLifetimes Onboardbase => new()
    {
        AuthorizationCode = options.Value.Lifetimes.AuthorizationCode,
        AccessToken = options.Value.Onboardbase.ApiKeyLifetime,
        RefreshToken = null,
    };

    private static bool IssuesRefreshTokens(ProfileName profile) => profile switch
    {
        // Seed 003 issues an API key and nothing to renew it with; Fillout's token response has no refresh token (FACTS.md "Fillout").
        ProfileName.Onboardbase or ProfileName.Fillout => false,
        _ => true,
    };
}
