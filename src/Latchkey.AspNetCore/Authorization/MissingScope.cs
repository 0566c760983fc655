namespace Latchkey.AspNetCore;

/// <summary>The scope a scope check found missing, left in <c>HttpContext.Items</c> for the 403 challenge to name (RFC 6750 §3.1).</summary>
internal static class MissingScope
{
    public static readonly object Key = new();
}
