using Latchkey.Protocol.Authorize;
using Latchkey.Tokens;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Profiles.FeatureOs;

/// <summary>
/// FeatureOS's authorization request (FACTS.md "FeatureOS", "Authorize"): RFC 6749 §4.1.1's parameters,
/// but FeatureOS documents <c>GET /oauth/authorize?client_id&amp;redirect_uri&amp;scope&amp;actor</c> with no
/// <c>response_type</c>, and its reference reads <c>scope</c> space- or comma-separated. Told apart by the
/// client id, which only FeatureOS apps carry with <c>foapp_</c> (seed 004, "Token formats").
/// </summary>
public sealed class FeatureOsAuthorizationDialect : IAuthorizationDialect
{
    private const string ClientIdParameter = "client_id";

    public bool Recognizes(PathString path, IReadOnlyCollection<KeyValuePair<string, StringValues>> parameters) =>
        parameters.Any(p => p.Key == ClientIdParameter
            && p.Value.Any(v => v?.StartsWith(TokenPrefixes.FeatureOs.ClientId, StringComparison.Ordinal) == true));

    /// <summary>
    /// The standard parser, then FeatureOS's two leniencies. A missing response_type means <c>code</c>, the
    /// only one there is; one that is sent is still checked (anything else is unsupported_response_type).
    /// No FeatureOS scope contains a comma, so splitting on commas too cannot change a scope's meaning.
    /// </summary>
    public AuthorizationRequest Parse(IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var request = StandardAuthorizationParser.Parse(parameters);
        return request with
        {
            ResponseType = request.ResponseType ?? "code",
            Scopes = request.Scopes is { } scopes
                ? [.. scopes.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal)]
                : null,
        };
    }
}
