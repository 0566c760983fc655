using Latchkey.Configuration;
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

    /// <summary>Fillout apps get no refresh token: Fillout's token response has none (FACTS.md "Fillout").</summary>
    public ProfilePolicy For(ProfileName profile) => new(ProfileTokenPrefixes.For(profile), LifetimesOf(profile), IssuesRefreshTokens: profile != ProfileName.Fillout);

    private TokenLifetimes LifetimesOf(ProfileName profile) => profile switch
    {
        ProfileName.Fub => Fub,
        ProfileName.Fillout => options.Value.Fillout.Lifetimes,
        _ => options.Value.Lifetimes,
    };
}
