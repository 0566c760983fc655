namespace Latchkey.Installations;

/// <summary>
/// An installation as the people who may end it see it: which app (and whose), as whom it acts, what it
/// may do, who installed it and when. A read model: the pages and the management API show it, never change it.
/// </summary>
public sealed record InstallationView(
    Guid Id,
    InstalledApp App,
    Guid OrganizationId,
    string OrganizationName,
    string ActorMode,
    Person? User,
    IReadOnlyList<string> Scopes,
    Person? InstalledBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt)
{
    public bool IsLive => RevokedAt is null;
}

/// <summary>The installed app, named by its public handle and its owner organization (FeatureOS seed 004, "Key concepts").</summary>
public sealed record InstalledApp(string ClientId, string Name, string OwnerOrganizationName);

/// <summary>A user as an installation names them. <see cref="Email"/> is null when the account no longer exists.</summary>
public sealed record Person(Guid Id, string? Email);
