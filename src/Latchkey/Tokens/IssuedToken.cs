namespace Latchkey.Tokens;

/// <summary>
/// An access or refresh token, kept as its hash. Tokens issued together share a
/// <see cref="FamilyId"/> that survives refresh rotation, so reuse of a rotated refresh token
/// revokes the whole family (RFC 9700 §4.14.2).
/// </summary>
public sealed class IssuedToken
{
    public long Id { get; init; }
    public required byte[] Hash { get; init; }
    /// <summary><see cref="TokenKind.AccessToken"/> or <see cref="TokenKind.RefreshToken"/>.</summary>
    public required TokenKind Kind { get; init; }
    public required long AppId { get; init; }
    public required Guid InstallationId { get; init; }
    public required Guid FamilyId { get; init; }
    public List<string> Scopes { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Null: lives until revoked (Fillout access tokens, FeatureOS refresh tokens).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>For a refresh token: when it was first exchanged for a successor. The lost-response grace counts from it.</summary>
    public DateTimeOffset? RotatedAt { get; set; }
    /// <summary>
    /// For a refresh token: the refresh token that took its place. For a rotated one, its current successor; for a
    /// successor revoked unused during the lost-response grace, the one issued instead of it. No foreign key: pruning
    /// may remove the row it names, and it is only read to find a successor that is still live.
    /// </summary>
    public long? ReplacedById { get; set; }

    /// <summary>The hash of the passphrase issued with this access token (Onboardbase's API key, seed 003); null for every other token.</summary>
    public byte[]? PassphraseHash { get; set; }

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && RotatedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
