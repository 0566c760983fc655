using System.Text.Json;
using Latchkey.Protocol;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Latchkey.Profiles.Fillout;

/// <summary>
/// Reads the body of <c>POST /public/oauth/accessToken</c> into <see cref="OAuthParameters"/>. Seed 002 says only
/// "in the body of the request"; Fillout's clients send JSON (FACTS.md "Fillout"), standard ones a form, so both
/// are read. A form follows RFC 6749 §3.2 (unknown parameters ignored). JSON is read strictly, like every JSON body
/// here: an unknown, repeated or non-string field is refused with its name, so a typo cannot go unnoticed.
/// </summary>
public static class FilloutTokenRequest
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The seed's four fields, and the two a standard client may add: grant_type, and code_verifier when it used PKCE.</summary>
    private static readonly HashSet<string> JsonFields = ["code", "client_id", "client_secret", "redirect_uri", "grant_type", "code_verifier"];

    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 2 };

    public static async Task<(OAuthParameters? Parameters, OAuthError? Error)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasJsonContentType())
        {
            return request.Query.Count > 0
                ? (null, OAuthError.InvalidRequest("Parameters belong in the request body, not the query string."))
                : await ReadJsonAsync(request, ct);
        }
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return await OAuthHttp.ReadFormAsync(request, ct);
        }
        return (null, OAuthError.InvalidRequest("Send the body as application/json or application/x-www-form-urlencoded."));
    }

    private static async Task<(OAuthParameters?, OAuthError?)> ReadJsonAsync(HttpRequest request, CancellationToken ct)
    {
        if (await ReadBoundedAsync(request.Body, ct) is not { } bytes)
        {
            return (null, OAuthError.InvalidRequest($"The request body is larger than {MaxBodyBytes} bytes."));
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, Strict);
        }
        catch (JsonException e)
        {
            return (null, OAuthError.InvalidRequest($"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})."));
        }
        using (document)
        {
            return Fields(document.RootElement);
        }
    }

    private static (OAuthParameters?, OAuthError?) Fields(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, OAuthError.InvalidRequest("The body must be a JSON object: {\"code\", \"client_id\", \"client_secret\", \"redirect_uri\"}."));
        }
        var fields = new List<KeyValuePair<string, StringValues>>();
        foreach (var property in root.EnumerateObject())
        {
            var problem = !JsonFields.Contains(property.Name) ? $"'{property.Name}' is not a field of this request; send code, client_id, client_secret and redirect_uri."
                : fields.Any(f => f.Key == property.Name) ? $"The field '{property.Name}' appears more than once."
                : property.Value.ValueKind != JsonValueKind.String ? $"The field '{property.Name}' must be a string."
                : null;
            if (problem is not null)
            {
                return (null, OAuthError.InvalidRequest(problem));
            }
            fields.Add(new(property.Name, property.Value.GetString()));
        }
        return OAuthParameters.From(fields);
    }

    /// <summary>The whole body, or null when it is longer than <see cref="MaxBodyBytes"/>, however it is framed.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
