using Latchkey.Protocol.Authorize;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Profiles.Fub;

/// <summary>
/// Follow Up Boss's consent request (seed 001, steps 1 and 2):
/// <c>GET /oauth/authorize?response_type=auth_code&amp;client_id&amp;redirect_uri&amp;state</c>, plus
/// <c>prompt=login</c> (FACTS.md). The answer goes back as <c>response=approved&amp;code&amp;state</c> or
/// <c>response=denied&amp;state</c>. Everything between is the canonical flow's.
/// </summary>
public sealed class FubAuthorizationDialect : IAuthorizationDialect
{
    /// <summary>Seed 001: "Currently, it only supports response_type=auth_code". Only FUB sends it, so it tells the dialect.</summary>
    public const string ResponseType = "auth_code";

    private static readonly PathString Endpoint = "/oauth/authorize";

    /// <summary>
    /// What a FUB client sends. FUB has no <c>scope</c> (the app gets its whole allowed set) and no PKCE;
    /// anything else, those included, is ignored, as RFC 6749 §3.1 asks of unrecognized parameters.
    /// </summary>
    private static readonly string[] Parameters = ["response_type", "client_id", "redirect_uri", "state", "prompt"];

    public bool Recognizes(PathString path, IReadOnlyCollection<KeyValuePair<string, StringValues>> parameters) =>
        path.Equals(Endpoint, StringComparison.OrdinalIgnoreCase)
        && parameters.Any(p => p.Key == "response_type" && p.Value.Any(v => v == ResponseType));

    public AuthorizationRequest Parse(IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var request = StandardAuthorizationParser.Parse(parameters.Where(p => Parameters.Contains(p.Key, StringComparer.Ordinal)));
        return request.ResponseType == ResponseType ? request with { ResponseType = "code" } : request;
    }

    /// <summary>
    /// Seed 001 step 2: <c>response</c> comes first, then the standard response: the code, or for any
    /// refusal RFC 6749 §4.1.2.1's <c>error</c> and <c>error_description</c> (a user's denial is
    /// <c>access_denied</c>), then <c>state</c> and RFC 9207's <c>iss</c> (DESIGN.md rule 5). A FUB
    /// client reads <c>response</c>; an RFC client reads the rest; neither sees a parameter it must not.
    /// </summary>
    public string ClientRedirect(RedirectToClient response, string issuer) =>
        StandardAuthorizationRenderer.ClientRedirect(
            response with { RedirectUri = QueryHelpers.AddQueryString(response.RedirectUri, "response", response.Error is null ? "approved" : "denied") },
            issuer);
}
