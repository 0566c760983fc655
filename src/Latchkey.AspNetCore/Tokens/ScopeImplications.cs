namespace Latchkey.AspNetCore.Tokens;

/// <summary>
/// Onboardbase seed 003: <c>manage.X</c> implies <c>read.X</c>, <c>create.X</c>, <c>update.X</c>, <c>delete.X</c>. The
/// server's rule (src/Latchkey/Scopes/ScopeImplications.cs), restated for direct mode, which reads the granted scopes
/// from the database; introspection already answers them expanded. A test holds the two together.
/// </summary>
internal static class ScopeImplications
{
    private const string Manage = "manage.";
    private static readonly string[] ManagedActions = ["read", "create", "update", "delete"];

    /// <summary>The granted scopes followed by what they imply, each once, in that order.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> granted)
    {
        var scopes = granted.ToList();
        return [.. scopes.Concat(scopes.SelectMany(Implied)).Distinct(StringComparer.Ordinal)];
    }

    private static IEnumerable<string> Implied(string scope) =>
        scope.StartsWith(Manage, StringComparison.Ordinal) && scope.Length > Manage.Length
            ? ManagedActions.Select(action => $"{action}.{scope[Manage.Length..]}")
            : [];
}
