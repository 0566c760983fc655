namespace Latchkey.Scopes;

/// <summary>One scope of the operator's catalogue, with the sentence a consent screen shows for it.</summary>
public sealed record ScopeDefinition(string Name, string Description);
