namespace Latchkey.Profiles;

/// <summary>The wire profiles of DESIGN.md "Profiles". Each app records one; the deployment picks a default.</summary>
public enum ProfileName
{
    Standard,
    FeatureOs,
    Fub,
    Fillout,
    Onboardbase,
}

public static class ProfileNames
{
    /// <summary>The spelling operators type and JSON carries: <c>standard</c>, <c>featureos</c>, <c>fub</c> …</summary>
    public static string ToWire(this ProfileName profile) => profile.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out ProfileName profile)
    {
        foreach (var candidate in Enum.GetValues<ProfileName>())
        {
            if (string.Equals(candidate.ToWire(), text, StringComparison.OrdinalIgnoreCase))
            {
                profile = candidate;
                return true;
            }
        }
        profile = default;
        return false;
    }

    public static string WireList => string.Join("|", Enum.GetValues<ProfileName>().Select(p => p.ToWire()));
}
