namespace Latchkey.AspNetCore;

/// <summary>
/// The claims of a Latchkey principal, named after the introspection members they come from (RFC 7662 §2.2 and
/// Latchkey's <c>org</c>, <c>actor</c>, <c>installation</c>), so a claim reads the same as the wire.
/// </summary>
public static class LatchkeyClaimTypes
{
    /// <summary>Who acts: the consenting user's id (actor <c>self</c>) or the app's bot identity <c>app:&lt;client_id&gt;</c> (actor <c>app</c>). The principal's name.</summary>
    public const string Subject = "sub";

    /// <summary><c>self</c> (on behalf of the user) or <c>app</c> (as the app itself).</summary>
    public const string Actor = "actor";

    /// <summary>The organization the token acts in (a Guid).</summary>
    public const string Organization = "org";

    /// <summary>The app's client id.</summary>
    public const string ClientId = "client_id";

    /// <summary>The installation (app × organization × actor) the token belongs to (a Guid).</summary>
    public const string Installation = "installation";

    /// <summary>One claim per scope the token may use, implied scopes included (Onboardbase's <c>manage.X</c> implies <c>read.X</c> …).</summary>
    public const string Scope = "scope";
}
