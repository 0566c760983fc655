using Latchkey.Tokens;

namespace Latchkey.Profiles;

public static class ProfileTokenPrefixes
{
    /// <summary>FeatureOS apps carry FeatureOS's prefixes (seed 004); every other profile Latchkey's own.</summary>
    public static TokenPrefixes For(ProfileName profile) =>
        profile == ProfileName.FeatureOs ? TokenPrefixes.FeatureOs : TokenPrefixes.Default;
}
