namespace Latchkey.Tokens;

/// <summary>
/// An authorization code, kept as its hash with everything the token endpoint must check against
/// (RFC 6749 §4.1.3, RFC 7636 §4.6). <see cref="ConsumedAt"/> is set exactly once, by one
/// conditional UPDATE; <see cref="FamilyId"/> names the tokens its redemption issued, so a replay
/// can revoke them (RFC 6749 §4.1.2).
/// </summary>
public sealed class AuthorizationCode
{
    public long Id { get; init; }
    public required byte[] Hash { get; init; }
    public required long AppId { get; init; }
    public required Guid InstallationId { get; init; }
    /// <summary>The redirect_uri of the authorization request, or null when it was omitted there.</summary>
    public string? RedirectUri { get; init; }
    public List<string> Scopes { get; init; } = [];
    /// <summary>S256 code challenge (RFC 7636 §4.2); null when the request had none.</summary>
    public string? CodeChallenge { get; init; }
    public required Guid FamilyId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? ConsumedAt { get; set; }
}
