namespace Latchkey.ResourceServers;

/// <summary>
/// The operator's API (or its gateway), registered so it can ask about tokens: introspection
/// (RFC 7662 §2.1 requires the caller be authorized) and, later, the revocation feed. It proves who
/// it is with HTTP Basic <c>client_id:client_secret</c>; only the secret's hash is kept.
/// </summary>
public sealed class ResourceServer
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; init; }
    public required string ClientId { get; init; }
    public required byte[] SecretHash { get; init; }
    public required string SecretHint { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? RevokedAt { get; set; }
}
