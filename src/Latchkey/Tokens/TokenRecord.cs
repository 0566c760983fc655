using Latchkey.Apps;

namespace Latchkey.Tokens;

/// <summary>
/// A presented access or refresh token read with its installation and app: what it may do, in which
/// organization, as whom. Introspection answers from it, and a Bearer principal is made of it.
/// </summary>
public sealed record TokenRecord(
    TokenKind Kind,
    long AppId,
    string ClientId,
    string AppName,
    AppStatus AppStatus,
    Guid InstallationId,
    Guid FamilyId,
    Guid OrganizationId,
    string ActorMode,
    Guid? UserId,
    IReadOnlyList<string> Scopes,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? RotatedAt,
    DateTimeOffset? InstallationRevokedAt,
    DateTimeOffset? InstallationLastUsedAt,
    byte[]? PassphraseHash)
{
    /// <summary>Who acts: the consenting user's id for actor <c>self</c>, the app's bot identity
    /// <c>app:&lt;client_id&gt;</c> for actor <c>app</c> (FeatureOS seed 004, "Key concepts").</summary>
    public string Subject => UserId?.ToString() ?? $"app:{ClientId}";

    /// <summary>
    /// Null when the token works at <paramref name="now"/>; otherwise why not, in words its holder can act on.
    /// Uninstalling revokes the tokens too, but the installation is checked on its own so that no token outlives it.
    /// The words end up in a WWW-Authenticate header: ASCII, no quotes (RFC 6750 §3).
    /// </summary>
    public string? WhyInactiveAt(DateTimeOffset now) => this switch
    {
        { InstallationRevokedAt: not null } => "The app was uninstalled from this organization; authorize it again.",
        { AppStatus: not AppStatus.Active } => "The app is suspended.",
        { RevokedAt: not null } => "The token was revoked.",
        { RotatedAt: not null } => "The refresh token was already exchanged for a new one.",
        { ExpiresAt: { } expires } when expires <= now => "The token has expired; use the refresh token to get a new one.",
        _ => null,
    };
}
