namespace Latchkey.Management;

/// <summary>An organization's key for the management API (<c>Authorization: Bearer lkkey_…</c>). Only its hash is kept.</summary>
public sealed class ManagementKey
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required Guid OrganizationId { get; init; }
    public required byte[] Hash { get; init; }
    public required string Hint { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? RevokedAt { get; set; }
}
