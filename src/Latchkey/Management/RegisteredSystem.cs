namespace Latchkey.Management;

/// <summary>
/// Follow Up Boss's Registered System (seed 000): a named integration that authenticates app
/// management with <c>X-System</c> and <c>X-System-Key</c>. It acts for the organization it belongs to.
/// </summary>
public sealed class RegisteredSystem
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required Guid OrganizationId { get; init; }
    public required string Name { get; init; }
    public required byte[] KeyHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}
