using Microsoft.Extensions.Primitives;

namespace Latchkey.Protocol.Authorize;

/// <summary>
/// The standard profile's wire form of an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3,
/// OpenID Connect Core §3.1.2.1 for <c>prompt</c>): the query string a client sends, read into the
/// canonical request. Profiles whose requests differ only in a few names reuse it.
/// </summary>
public static class StandardAuthorizationParser
{
    private static readonly string[] TargetParameters = ["client_id", "redirect_uri"];

    public static AuthorizationRequest Parse(IEnumerable<KeyValuePair<string, StringValues>> source)
    {
        var all = source.ToList();
        // Read the two parameters that decide where errors may go first, on their own: a repeated
        // state must still be reported to the client, a repeated client_id must not (RFC 6749 §4.1.2.1).
        var (target, targetError) = OAuthParameters.From(all.Where(p => TargetParameters.Contains(p.Key, StringComparer.Ordinal)));
        if (targetError is not null)
        {
            return new AuthorizationRequest { UnreadableTarget = targetError };
        }
        var (parameters, error) = OAuthParameters.From(all);
        if (error is not null)
        {
            // The error goes back with state when state itself is readable (RFC 6749 §4.1.2.1).
            var (state, _) = OAuthParameters.From(all.Where(p => p.Key == "state"));
            return new AuthorizationRequest
            {
                ClientId = target!["client_id"],
                RedirectUri = target["redirect_uri"],
                State = state?["state"],
                UnreadableParameter = error,
            };
        }
        return new AuthorizationRequest
        {
            ClientId = parameters!["client_id"],
            RedirectUri = parameters["redirect_uri"],
            ResponseType = parameters["response_type"],
            Scopes = parameters["scope"] is { } scope ? ScopeList.Parse(scope) : null,
            State = parameters["state"],
            CodeChallenge = parameters["code_challenge"],
            CodeChallengeMethod = parameters["code_challenge_method"],
            Actor = parameters["actor"],
            Prompt = parameters["prompt"]?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
        };
    }
}
