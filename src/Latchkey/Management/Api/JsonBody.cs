using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;

namespace Latchkey.Management.Api;

/// <summary>
/// A JSON request body read strictly: unknown and repeated fields are refused, never ignored or merged, so a
/// typo such as <c>redirect_uri</c> cannot silently drop a setting. Binding itself never fails: the handler
/// decides when to answer with <see cref="Errors"/> (after its own 404 checks), and the answer is a validation
/// problem naming the field rather than the framework's bare 400.
/// </summary>
public sealed class JsonBody<T> : IBindableFromHttpContext<JsonBody<T>>, IEndpointParameterMetadataProvider
    where T : class
{
    /// <summary>The error key for a problem with the body as a whole rather than one field.</summary>
    public const string BodyField = "body";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
    private static readonly HashSet<string> Fields =
        [.. Options.GetTypeInfo(typeof(T)).Properties.Select(p => p.Name)];

    private JsonBody(T? value, Dictionary<string, string[]> errors)
    {
        Value = value;
        Errors = errors;
    }

    /// <summary>Null exactly when <see cref="Errors"/> is not empty.</summary>
    public T? Value { get; }
    public Dictionary<string, string[]> Errors { get; }

    public static async ValueTask<JsonBody<T>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        if (!context.Request.HasJsonContentType())
        {
            return Fail(BodyField, "Send a JSON object with Content-Type: application/json.");
        }
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException e)
        {
            return Fail(BodyField, $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
        }
        using (document)
        {
            return Read(document.RootElement);
        }
    }

    /// <summary>Lets the OpenAPI document show the body's schema although no <c>[FromBody]</c> parameter reads it.</summary>
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(T)));

    private static JsonBody<T> Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail(BodyField, "The body must be a JSON object.");
        }
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                errors[property.Name] = ["The field appears more than once."];
            }
            else if (!Fields.Contains(property.Name))
            {
                errors[property.Name] = [$"'{property.Name}' is not a field of this request."];
            }
        }
        if (errors.Count > 0)
        {
            return new JsonBody<T>(null, errors);
        }
        try
        {
            return new JsonBody<T>(root.Deserialize<T>(Options), []);
        }
        catch (JsonException e)
        {
            return Fail(FieldOf(e.Path), "The value has the wrong type.");
        }
    }

    private static JsonBody<T> Fail(string field, string reason) => new(null, new() { [field] = [reason] });

    /// <summary>The top-level field that a JSON path such as <c>$.redirect_uris[2]</c> points into.</summary>
    private static string FieldOf(string? path)
    {
        if (path is null || !path.StartsWith("$.", StringComparison.Ordinal))
        {
            return BodyField;
        }
        var end = path.IndexOfAny(['.', '['], 2);
        return end < 0 ? path[2..] : path[2..end];
    }
}
