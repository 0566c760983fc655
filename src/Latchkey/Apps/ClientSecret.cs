namespace Latchkey.Apps;

/// <summary>One client secret, kept as its SHA-256 only. During a rotation two are live: the new one
/// with no expiry and the old one until <see cref="ExpiresAt"/>.</summary>
public sealed class ClientSecret
{
    public long Id { get; init; }
    public long AppId { get; init; }
    public required byte[] Hash { get; init; }
    public required string Hint { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? ExpiresAt { get; set; }

    public bool IsLiveAt(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;
}
