namespace Latchkey.Organizations;

/// <summary>A tenant: owns apps (as the owner organization) and installs them (as a target organization).</summary>
public sealed class Organization
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
