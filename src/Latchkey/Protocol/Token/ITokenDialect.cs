namespace Latchkey.Protocol.Token;

/// <summary>
/// A profile's wire form of <c>POST /oauth/token</c> that the standard form refuses (Onboardbase sends its
/// parameters in the query string, seed 003). The standard endpoint hands such a request to the dialect
/// that claims it; the dialect parses, runs <see cref="TokenFlow"/>, and answers in its own shape.
/// </summary>
public interface ITokenDialect
{
    /// <summary>
    /// Whether this request is in this dialect and for one of this profile's apps. Asked only about requests
    /// with a query string, which the standard form refuses, so a standard request never pays for it.
    /// </summary>
    Task<bool> ClaimsAsync(HttpRequest request, CancellationToken ct);

    Task<IResult> HandleAsync(HttpContext http, CancellationToken ct);
}
