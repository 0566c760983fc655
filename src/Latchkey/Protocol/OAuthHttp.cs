using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Latchkey.Protocol;

/// <summary>HTTP plumbing shared by the token-style endpoints (token, revocation, introspection).</summary>
public static class OAuthHttp
{
    /// <summary>RFC 9110 §11.6.1: a 401 names the scheme that would have worked; for clients that is Basic (RFC 6749 §2.3.1).</summary>
    private const string BasicChallenge = "Basic realm=\"latchkey\", charset=\"UTF-8\"";

    private const int MaxFormBytes = 64 * 1024;

    /// <summary>RFC 6749 §5.1: responses carrying tokens (and their errors) must not be cached.</summary>
    public static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
    }

    /// <summary>
    /// RFC 6749 §3.2: a POST with an <c>application/x-www-form-urlencoded</c> body. Parameters in
    /// the query string are refused: credentials there end up in logs and histories.
    /// </summary>
    public static async Task<(OAuthParameters? Parameters, OAuthError? Error)> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (null, OAuthError.InvalidRequest("Send the parameters as an application/x-www-form-urlencoded body (RFC 6749 §3.2)."));
        }
        if (request.Query.Count > 0)
        {
            return (null, OAuthError.InvalidRequest("Parameters belong in the request body, not the query string."));
        }
        if (request.ContentLength > MaxFormBytes)
        {
            return (null, OAuthError.InvalidRequest($"The request body is larger than {MaxFormBytes} bytes."));
        }
        using var reader = new FormReader(request.Body) { ValueLengthLimit = MaxFormBytes, ValueCountLimit = 64, KeyLengthLimit = 256 };
        try
        {
            return OAuthParameters.From(await reader.ReadFormAsync(ct));
        }
        catch (InvalidDataException)
        {
            return (null, OAuthError.InvalidRequest("The request body is not a valid form, or exceeds its limits."));
        }
    }

    /// <summary>RFC 6749 §5.2 error body, with <c>WWW-Authenticate</c> when the status is 401.</summary>
    public static IResult Error(HttpResponse response, OAuthError error)
    {
        ChallengeIfUnauthorized(response, error.Status);
        return TypedResults.Json(new OAuthErrorBody(error.Code, error.Description), statusCode: error.Status);
    }

    /// <summary>
    /// RFC 6749 §5.2: a 401 from client authentication names the Basic scheme (<see cref="BasicChallenge"/>),
    /// whatever shape a profile gives the error body.
    /// </summary>
    public static void ChallengeIfUnauthorized(HttpResponse response, int status)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = BasicChallenge;
        }
    }
}

public sealed record OAuthErrorBody(
    [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
    [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string ErrorDescription);
