namespace Latchkey.Installations;

/// <summary>
/// An app installed in a target organization (FeatureOS seed 004, "Key concepts"): what it was
/// granted and as whom it acts. For actor <c>self</c> it is also per user: each member who connects
/// the app grants it their own authority. Tokens hang off an installation; revoking it ends them all.
/// </summary>
public sealed class Installation
{
    /// <summary>The <see cref="ActorKey"/> of an installation acting as the app's bot.</summary>
    public const string AppActorKey = "app";

    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required long AppId { get; init; }
    public required Guid OrganizationId { get; init; }
    public required string ActorMode { get; init; }
    /// <summary>The user a <c>self</c> installation acts for; null for <c>app</c>.</summary>
    public Guid? UserId { get; init; }
    /// <summary><c>app</c>, or the user's id: one live installation per app × organization × key.</summary>
    public required string ActorKey { get; init; }
    public List<string> GrantedScopes { get; set; } = [];
    /// <summary>The app's subscribed events the organization granted at consent (FeatureOS: an install may narrow them).</summary>
    public List<string> GrantedWebhookEvents { get; set; } = [];
    public Guid? InstalledByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    public static string KeyFor(Guid? userId) => userId?.ToString() ?? AppActorKey;
}
