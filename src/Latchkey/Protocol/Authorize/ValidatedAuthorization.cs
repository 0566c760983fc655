using Latchkey.Apps;

namespace Latchkey.Protocol.Authorize;

/// <summary>An authorization request that passed every step of <see cref="AuthorizationValidator"/>, with its defaults filled in.</summary>
/// <param name="RedirectUri">Where the response goes: the redirect_uri sent, or the app's only registered one.</param>
/// <param name="Scopes">The scopes asked for: as requested, or all the app's allowed scopes when none were named.</param>
public sealed record ValidatedAuthorization(
    AuthorizationRequest Request,
    App App,
    string RedirectUri,
    IReadOnlyList<string> Scopes,
    string Actor,
    AuthorizationPrompt Prompt)
{
    /// <summary>The redirect_uri as the request sent it (null when omitted); the code keeps it for RFC 6749 §4.1.3.</summary>
    public string? RedirectUriAsSent => Request.RedirectUri;

    public string? CodeChallenge => Request.CodeChallenge;

    public string? State => Request.State;
}

/// <summary>What <c>prompt</c> asked for (OpenID Connect Core §3.1.2.1).</summary>
/// <param name="Silent"><c>none</c>: never show a page; answer login_required or consent_required instead.</param>
/// <param name="Login"><c>login</c>: authenticate again, even with a session.</param>
/// <param name="Consent"><c>consent</c>: ask again, even when an installation already covers the request.</param>
public sealed record AuthorizationPrompt(bool Silent, bool Login, bool Consent);
