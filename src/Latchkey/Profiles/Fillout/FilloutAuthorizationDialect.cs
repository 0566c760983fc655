using Latchkey.Protocol.Authorize;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Profiles.Fillout;

/// <summary>
/// Seed 002, "Authorization request": <c>GET /authorize/oauth?client_id&amp;redirect_uri&amp;state</c>. It is the
/// standard request without <c>response_type</c>, which Fillout clients never send: the code flow is the only
/// one, so its absence means <c>code</c>. Anything a standard client may add (scope, PKCE, prompt) works too.
/// </summary>
public sealed class FilloutAuthorizationDialect : IAuthorizationDialect
{
    public const string Path = "/authorize/oauth";

    public bool Recognizes(PathString path, IReadOnlyCollection<KeyValuePair<string, StringValues>> parameters) =>
        path.Equals(Path, StringComparison.OrdinalIgnoreCase);

    public AuthorizationRequest Parse(IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var request = StandardAuthorizationParser.Parse(parameters);
        return request with { ResponseType = request.ResponseType ?? "code" };
    }

    /// <summary>
    /// The seed's <c>code</c> and <c>state</c>; a denial is RFC 6749 §4.1.2.1's <c>error=access_denied</c>, which
    /// the seed does not mention. <c>iss</c> is added as on every authorization response (RFC 9207, DESIGN.md
    /// rule 5): a client reading only the seed's parameters ignores it.
    /// </summary>
    public string ClientRedirect(RedirectToClient response, string issuer) =>
        StandardAuthorizationRenderer.ClientRedirect(response, issuer);
}
