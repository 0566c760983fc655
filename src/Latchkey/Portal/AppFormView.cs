using Latchkey.Scopes;

namespace Latchkey.Portal;

/// <summary>What the app form needs to render: the values, the registry's errors by field, and the scope catalogue.</summary>
public sealed record AppFormView(
    AppForm Form,
    IReadOnlyDictionary<string, string[]> Errors,
    IReadOnlyList<ScopeDefinition> Catalogue);

public static class FieldErrors
{
    public static readonly IReadOnlyDictionary<string, string[]> None = new Dictionary<string, string[]>();

    /// <summary>The reasons for one field (keyed like <see cref="Apps.AppFields"/>), none when it is fine.</summary>
    public static IReadOnlyList<string> For(this IReadOnlyDictionary<string, string[]> errors, string field) =>
        errors.TryGetValue(field, out var reasons) ? reasons : [];
}
