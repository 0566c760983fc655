using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Protocol.Authorize;

/// <summary>
/// How an authorization request survives the detours it takes, in whatever profile's wire form it
/// came: the request's own parameters, as sent, go to the sign-in page's return URL and into the
/// consent form, and come back to the path they were sent to. Nothing is re-encoded, so each
/// profile's parser reads them again exactly as the first time.
/// </summary>
public static class AuthorizationRoundTrip
{
    private const string Prompt = "prompt";

    /// <summary>
    /// Back to this request after signing in. <c>login</c> is taken out of <c>prompt</c>: the sign-in
    /// it asked for is the one about to happen, and leaving it in would send the user straight back to
    /// the sign-in page, forever. Removing it only skips a sign-in that the person at the browser
    /// could skip anyway by editing the URL: <c>prompt=login</c> asks for a fresh authentication, it
    /// does not protect against that person.
    /// </summary>
    public static string SignInReturnUrl(PathString endpoint, IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var kept = parameters.SelectMany(p => p.Value.Select(value => KeyValuePair.Create(p.Key, p.Key == Prompt ? WithoutLogin(value) : value)));
        return QueryHelpers.AddQueryString(endpoint, kept.Where(p => !string.IsNullOrEmpty(p.Value)));
    }

    /// <summary>
    /// The request the consent form carries back, as hidden fields. <c>prompt</c> is left out: it
    /// governed how the screen was reached, and the answer to the screen is the consent it asked for.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> ConsentFields(IEnumerable<KeyValuePair<string, StringValues>> parameters) =>
        from parameter in parameters
        where parameter.Key != Prompt
        from value in parameter.Value
        select KeyValuePair.Create(parameter.Key, value ?? "");

    private static string WithoutLogin(string? prompt) =>
        string.Join(' ', (prompt ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "login"));
}
