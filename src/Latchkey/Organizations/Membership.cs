namespace Latchkey.Organizations;

public sealed class Membership
{
    public required Guid OrganizationId { get; init; }
    public required Guid UserId { get; init; }
    public required OrganizationRole Role { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
