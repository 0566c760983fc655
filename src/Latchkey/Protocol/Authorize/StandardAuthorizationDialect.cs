using Microsoft.Extensions.Primitives;

namespace Latchkey.Protocol.Authorize;

/// <summary>The standard profile's authorization endpoint: RFC 6749 §4.1 with RFC 7636 and RFC 9207.</summary>
public sealed class StandardAuthorizationDialect : IAuthorizationDialect
{
    public bool Recognizes(PathString path, IReadOnlyCollection<KeyValuePair<string, StringValues>> parameters) => true;

    public AuthorizationRequest Parse(IEnumerable<KeyValuePair<string, StringValues>> parameters) =>
        StandardAuthorizationParser.Parse(parameters);
}
