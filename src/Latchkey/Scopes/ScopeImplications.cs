namespace Latchkey.Scopes;

/// <summary>
/// Which scopes a granted scope carries with it, and the one check every scope decision goes through.
/// Onboardbase seed 003, "Scopes": <c>manage.X</c> "gives all permissions" on resource X, so it implies
/// <c>read.X</c>, <c>create.X</c>, <c>update.X</c> and <c>delete.X</c>. The rule reads only the scope's
/// name, so it holds for any catalogue that uses this <c>action.resource</c> syntax; no other scope implies anything.
/// </summary>
public static class ScopeImplications
{
    private const string Manage = "manage.";
    private static readonly string[] ManagedActions = ["read", "create", "update", "delete"];

    /// <summary>True when <paramref name="granted"/> names <paramref name="required"/> or a scope that implies it.</summary>
    public static bool Allows(IEnumerable<string> granted, string required) =>
        granted.Any(scope => scope == required || Implied(scope).Contains(required, StringComparer.Ordinal));

    /// <summary>The granted scopes followed by what they imply, each once, in that order: what a token may do.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> granted)
    {
        var scopes = granted.ToList();
        return [.. scopes.Concat(scopes.SelectMany(Implied)).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>What <paramref name="scope"/> implies beyond itself.</summary>
    public static IEnumerable<string> Implied(string scope) =>
        scope.StartsWith(Manage, StringComparison.Ordinal) && scope.Length > Manage.Length
            ? ManagedActions.Select(action => $"{action}.{scope[Manage.Length..]}")
            : [];
}
