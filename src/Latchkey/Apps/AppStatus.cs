namespace Latchkey.Apps;

public enum AppStatus
{
    /// <summary>Numbered 1 because FUB's app resource reports <c>"status": 1</c> for a live app (seed 000).</summary>
    Active = 1,
    Suspended = 2,
}
