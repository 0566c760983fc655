namespace Latchkey.Revocations;

/// <summary>What a <see cref="Revocation"/> ended, and so what a resource server's cache must drop.</summary>
public enum RevocationKind
{
    /// <summary>One access token, named by its hash.</summary>
    Token,

    /// <summary>Every token the installation held until now: an uninstall, a refresh family revoked, a token set replaced.</summary>
    Installation,

    /// <summary>Every token of the app: the app was deleted.</summary>
    App,
}

/// <summary>
/// One entry of the revocation log: something ended live tokens before they expired. It is written in the
/// transaction that revoked them, so the log holds every committed revocation and nothing rolled back; its
/// <see cref="Id"/> is the cursor of the feed resource servers follow (<see cref="RevocationFeedEndpoint"/>).
/// Expiry is no revocation: a resource server never caches a token past its <c>exp</c>.
/// </summary>
public sealed class Revocation
{
    public long Id { get; set; }

    public RevocationKind Kind { get; init; }

    /// <summary>Kept on <see cref="RevocationKind.App"/> events only, whose app row is gone; the others name their
    /// installation, which names the app.</summary>
    public string? ClientId { get; init; }

    public Guid? InstallationId { get; init; }

    /// <summary>The SHA-256 a token is stored under (<see cref="Tokens.TokenCodec.Hash"/>); never the token.</summary>
    public byte[]? TokenHash { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public static Revocation OfToken(byte[] tokenHash, Guid installationId, DateTimeOffset at) =>
        new() { Kind = RevocationKind.Token, TokenHash = tokenHash, InstallationId = installationId, OccurredAt = at };

    public static Revocation OfInstallation(Guid installationId, DateTimeOffset at) =>
        new() { Kind = RevocationKind.Installation, InstallationId = installationId, OccurredAt = at };

    public static Revocation OfApp(string clientId, DateTimeOffset at) =>
        new() { Kind = RevocationKind.App, ClientId = clientId, OccurredAt = at };
}
