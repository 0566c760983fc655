using System.Text.Json;

namespace Latchkey.Profiles.Fub;

/// <summary>Reads a FUB JSON body with FUB's leniency and Latchkey's strictness, answering in FUB's error shape.</summary>
public static class FubRequestBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        // Seed 000's own create example ends its object with a trailing comma; clients copy it verbatim.
        AllowTrailingCommas = true,
        // A repeated key is refused, never resolved by picking one (DESIGN.md rule 3).
        AllowDuplicateProperties = false,
        RespectNullableAnnotations = true,
    };

    public static async Task<(T? Body, FubLegacyError? Error)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, ct);
            return body is null ? (null, FubLegacyError.InvalidBody("The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException e)
        {
            // Position only: the serializer's message names .NET types, which mean nothing to a FUB client.
            var where = e.Path is null ? "" : $" at {e.Path}";
            var line = e.LineNumber is { } number ? $" (line {number + 1})" : "";
            return (null, FubLegacyError.InvalidBody($"The body is not a JSON object of the expected shape{where}{line}."));
        }
    }

    /// <summary>The redirect URIs as strings, or FUB's "missing" / "invalid body" error. Their rules are the registry's.</summary>
    public static (IReadOnlyList<string>? Uris, FubLegacyError? Error) RedirectUris(IReadOnlyList<string?>? values)
    {
        if (values is null)
        {
            return (null, FubLegacyError.MissingParams("redirectUris"));
        }
        if (values.Any(v => v is null))
        {
            return (null, FubLegacyError.InvalidBody("redirectUris must be an array of strings."));
        }
        return (values.Select(v => v!).ToArray(), null);
    }
}
