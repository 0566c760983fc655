using Microsoft.Extensions.Primitives;

namespace Latchkey.Protocol.Authorize;

/// <summary>
/// A profile's wire form of the authorization endpoint (DESIGN.md "Profiles"): how it reads a request
/// into an <see cref="AuthorizationRequest"/> and how it writes the answer back to the client. What
/// happens in between, every check and decision, is <see cref="AuthorizeFlow"/>'s and the same for all.
/// </summary>
public interface IAuthorizationDialect
{
    /// <summary>
    /// Whether a request to the authorization page is in this dialect, told by its path or by a
    /// parameter only this dialect sends. A request no profile recognizes is standard.
    /// </summary>
    bool Recognizes(PathString path, IReadOnlyCollection<KeyValuePair<string, StringValues>> parameters);

    AuthorizationRequest Parse(IEnumerable<KeyValuePair<string, StringValues>> parameters);

    /// <summary>
    /// The redirect URI with the authorization response or error added (RFC 6749 §4.1.2, §4.1.2.1). By default the
    /// standard one, with <c>state</c> as sent and RFC 9207's <c>iss</c> (DESIGN.md rule 5): a client that reads only
    /// its seed's parameters ignores the others.
    /// </summary>
    string ClientRedirect(RedirectToClient response, string issuer) => StandardAuthorizationRenderer.ClientRedirect(response, issuer);

    /// <summary>
    /// The code the error page shows when the client or redirect URI is refused, for a profile whose
    /// documentation tells developers to look for one. None by default: the description says it all.
    /// </summary>
    string? ShownErrorCode => null;
}

/// <summary>Picks the dialect of a request: the first profile dialect that recognizes it, else the standard one.</summary>
public sealed class AuthorizationDialects(IEnumerable<IAuthorizationDialect> profiles, StandardAuthorizationDialect standard)
{
    public IAuthorizationDialect For(PathString path, IReadOnlyCollection<KeyValuePair<string, StringValues>> parameters) =>
        profiles.FirstOrDefault(d => d.Recognizes(path, parameters)) ?? standard;
}
