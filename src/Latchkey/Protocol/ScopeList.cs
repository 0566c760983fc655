namespace Latchkey.Protocol;

/// <summary>The <c>scope</c> parameter (RFC 6749 §3.3): space-delimited, case-sensitive, order irrelevant.</summary>
public static class ScopeList
{
    public static IReadOnlyList<string> Parse(string? value) =>
        value is null ? [] : [.. value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal)];

    public static string Format(IEnumerable<string> scopes) => string.Join(' ', scopes);
}
