using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Protocol.Authorize;

/// <summary>The standard profile's authorization response on the client's redirect URI.</summary>
public static class StandardAuthorizationRenderer
{
    /// <summary>
    /// RFC 6749 §4.1.2 and §4.1.2.1: the response parameters in the redirect URI's query, keeping any
    /// query it already has (§3.1.2); <c>state</c> exactly as sent (DESIGN.md rule 5); <c>iss</c> on
    /// every response, errors included (RFC 9207 §2).
    /// </summary>
    public static string ClientRedirect(RedirectToClient response, string issuer)
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        if (response.Error is { } error)
        {
            parameters.Add(new("error", error.Code));
            parameters.Add(new("error_description", ErrorDescriptionText(error.Description)));
        }
        else
        {
            parameters.Add(new("code", response.Code));
        }
        if (response.State is { } state)
        {
            parameters.Add(new("state", state));
        }
        parameters.Add(new("iss", issuer));
        return QueryHelpers.AddQueryString(response.RedirectUri, parameters);
    }

    /// <summary>RFC 6749 §4.1.2.1: error_description is limited to printable ASCII without '"' and '\'.</summary>
    public static string ErrorDescriptionText(string description) =>
        string.Concat(description.Select(c => c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '?'));
}
