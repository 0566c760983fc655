namespace Latchkey.Apps;

/// <summary>How a token acts (FeatureOS seed 004, "Key concepts"): as the consenting user, or as the app's bot.</summary>
public static class ActorMode
{
    public const string Self = "self";
    public const string App = "app";

    public static readonly IReadOnlyList<string> All = [Self, App];
}
