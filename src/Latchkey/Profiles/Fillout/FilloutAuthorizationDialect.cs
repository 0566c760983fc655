using Latchkey.Protocol.Authorize;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Profiles.Fillout;

/// <summary>
/// Seed 002, "Authorization request": <c>GET /authorize/oauth?client_id&amp;redirect_uri&amp;state</c>. It is the
/// standard request without <c>response_type</c>, which Fillout clients never send: the code flow is the only
/// one, so its absence means <c>code</c>. Anything a standard client may add (scope, PKCE, prompt) works too.
/// The answer is the standard one: the seed's <c>code</c> and <c>state</c> (a denial, which the seed does not
/// mention, is RFC 6749 §4.1.2.1's <c>error=access_denied</c>).
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
}
