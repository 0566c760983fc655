using Latchkey.Protocol;
using Latchkey.Protocol.Authorize;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Profiles.Onboardbase;

/// <summary>
/// Seed 003, "Generating an Authorization Code Link":
/// <c>GET /oauth/authorize?response_type=code&amp;client_id&amp;redirect_uri&amp;scopes='read.secrets,read.projects'&amp;state</c>.
/// Everything but <c>scopes</c> is the standard request, and the answers on the redirect URI are the standard
/// ones too: <c>code</c> and <c>state</c>, or <c>error=access_denied</c> and <c>state</c> (with
/// <c>error_description</c> and RFC 9207's <c>iss</c>, which a client written from the seed ignores).
/// </summary>
public sealed class OnboardbaseAuthorizationDialect : IAuthorizationDialect
{
    private const string ScopesParameter = "scopes";
    private const string StandardScopeParameter = "scope";
    private static readonly PathString AuthorizePath = "/oauth/authorize";

    /// <summary>Told by <c>scopes</c>: standard clients send <c>scope</c> (RFC 6749 §3.3).</summary>
    public bool Recognizes(PathString path, IReadOnlyCollection<KeyValuePair<string, StringValues>> parameters) =>
        path.Equals(AuthorizePath, StringComparison.OrdinalIgnoreCase) && parameters.Any(p => p.Key == ScopesParameter);

    public AuthorizationRequest Parse(IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var all = parameters.ToList();
        var request = StandardAuthorizationParser.Parse(all.Where(p => p.Key != ScopesParameter));
        if (request.UnreadableTarget is not null || request.UnreadableParameter is not null)
        {
            return request;
        }
        // RFC 6749 §3.1's rule against ambiguous requests: two lists of scopes are never merged.
        if (all.Any(p => p.Key == StandardScopeParameter))
        {
            return request with { UnreadableParameter = OAuthError.InvalidRequest("Send the scopes once: scopes (comma-separated) or scope (space-separated), not both.") };
        }
        var (scopes, error) = OAuthParameters.From(all.Where(p => p.Key == ScopesParameter));
        if (error is not null)
        {
            return request with { UnreadableParameter = error };
        }
        return ParseScopes(scopes![ScopesParameter]) is { Count: > 0 } list
            ? request with { Scopes = list }
            : request with { UnreadableParameter = OAuthError.InvalidScope("scopes is required: the scopes the app asks for, separated by commas.") };
    }

    /// <summary>
    /// Seed 003, "redirect_uri": "An invalid_credentials error will be thrown if the redirect_uri entered here does
    /// not match". The page shows that code for every error it shows instead of redirecting: each one is about the
    /// client_id and redirect_uri pair, and a redirect to an unregistered URI never happens (RFC 6749 §4.1.2.1).
    /// </summary>
    public string? ShownErrorCode => "invalid_credentials";

    /// <summary>
    /// Seed 003: "separated by commas", and its own example wraps the list in single quotes
    /// (<c>scopes='read.secrets,read.projects'</c>). One pair of matching quotes around the whole value is dropped;
    /// blanks around each name too.
    /// </summary>
    private static IReadOnlyList<string> ParseScopes(string? value)
    {
        var text = value ?? "";
        var unquoted = text.Length >= 2 && text[0] is ('\'' or '"') && text[^1] == text[0] ? text[1..^1] : text;
        return [.. unquoted.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)];
    }
}
