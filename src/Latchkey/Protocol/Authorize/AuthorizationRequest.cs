namespace Latchkey.Protocol.Authorize;

/// <summary>
/// An authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3) in canonical form, whatever the wire
/// profile it came in: a profile's parser fills it, <see cref="AuthorizationValidator"/> judges it.
/// Values are as sent (null: not sent); nothing here has been checked yet.
/// </summary>
public sealed record AuthorizationRequest
{
    public string? ClientId { get; init; }
    public string? RedirectUri { get; init; }
    public string? ResponseType { get; init; }
    /// <summary>Null when the request named no scope: the app's whole allowed set is meant.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }
    public string? State { get; init; }
    public string? CodeChallenge { get; init; }
    public string? CodeChallengeMethod { get; init; }
    /// <summary><c>self</c> or <c>app</c> (FeatureOS seed 004, "Actor mode").</summary>
    public string? Actor { get; init; }
    /// <summary>OpenID Connect Core §3.1.2.1 <c>prompt</c> values, space-delimited on the wire.</summary>
    public IReadOnlyList<string> Prompt { get; init; } = [];

    /// <summary>
    /// client_id or redirect_uri could not be read (sent twice, or oversized): there is no
    /// trustworthy place to send an error, so it is shown, never redirected (RFC 6749 §4.1.2.1).
    /// </summary>
    public OAuthError? UnreadableTarget { get; init; }

    /// <summary>Another parameter could not be read (RFC 6749 §3.1: sent more than once, or oversized).</summary>
    public OAuthError? UnreadableParameter { get; init; }
}
