using Microsoft.AspNetCore.Http;

namespace Latchkey.AspNetCore;

/// <summary>
/// Why a request was refused, as RFC 6750 §3.1 names it. <see cref="Code"/> is null when the request carried no
/// token at all (§3.1: "the resource server SHOULD NOT include an error code"). <see cref="Scope"/> is the
/// scope an <c>insufficient_scope</c> refusal lacks.
/// </summary>
public sealed record LatchkeyError(int Status, string? Code, string Description, string? Scope = null)
{
    public const string InvalidRequestCode = "invalid_request";
    public const string InvalidTokenCode = "invalid_token";
    public const string InsufficientScopeCode = "insufficient_scope";

    internal static readonly LatchkeyError Missing = new(StatusCodes.Status401Unauthorized, null, "Send an access token: Authorization: Bearer <access token>.");

    internal static readonly LatchkeyError Malformed = new(StatusCodes.Status401Unauthorized, InvalidTokenCode, "The access token is malformed.");

    /// <summary>RFC 7662 §2.2 gives no reason for an inactive token, so neither does this.</summary>
    internal static readonly LatchkeyError Inactive = new(StatusCodes.Status401Unauthorized, InvalidTokenCode,
        "The access token is not active: it expired, was revoked or uninstalled, or is unknown.");

    internal static readonly LatchkeyError TwoTokens = new(StatusCodes.Status400BadRequest, InvalidRequestCode,
        "Send the token once: either Authorization: Bearer <access token> or API_KEY: <api key>.");

    internal static LatchkeyError InsufficientScope(string scope) =>
        new(StatusCodes.Status403Forbidden, InsufficientScopeCode, $"The access token lacks the scope {scope}.", scope);

    /// <summary>The <c>WWW-Authenticate</c> value (RFC 6750 §3). Descriptions are ASCII without quotes, as §3 requires.</summary>
    internal string Challenge(string? realm)
    {
        var parameters = new List<string>(4);
        if (realm is not null)
        {
            parameters.Add($"realm=\"{realm}\"");
        }
        if (Code is not null)
        {
            parameters.Add($"error=\"{Code}\"");
            parameters.Add($"error_description=\"{Description}\"");
        }
        if (Scope is not null)
        {
            parameters.Add($"scope=\"{Scope}\"");
        }
        return parameters.Count == 0 ? "Bearer" : "Bearer " + string.Join(", ", parameters);
    }
}
