namespace Latchkey.Tokens;

/// <summary>Every kind of credential Latchkey mints. The kind decides the prefix (DESIGN.md "Tokens").</summary>
public enum TokenKind
{
    ClientId,
    ClientSecret,
    AuthorizationCode,
    AccessToken,
    RefreshToken,
    ManagementKey,
    SystemKey,
}
