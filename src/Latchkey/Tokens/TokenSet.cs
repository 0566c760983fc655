namespace Latchkey.Tokens;

/// <summary>What one successful grant hands the client: plaintext exists only here, on its way out.</summary>
public sealed record TokenSet(
    string AccessToken,
    DateTimeOffset? AccessTokenExpiresAt,
    string? RefreshToken,
    IReadOnlyList<string> Scopes,
    Guid FamilyId);
