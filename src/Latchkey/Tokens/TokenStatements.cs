using Latchkey.Revocations;
using Latchkey.Storage;

namespace Latchkey.Tokens;

/// <summary>
/// The token store's statements on the grant paths, as SQL (<see cref="WriteCommands"/>), so they run on
/// <see cref="HotPathWrites"/>' writer as well as in a request's EF Core transaction. They name the tables and columns of
/// the migrations (<c>Storage/Configurations</c>); a migration renaming one must change them.
/// </summary>
internal static class TokenStatements
{
    private const string LockLiveInstallation = """
        UPDATE installations SET "UpdatedAt" = "UpdatedAt" WHERE "Id" = @p0 AND "RevokedAt" IS NULL
        """;

    internal const string RevokeLiveTokensOfInstallation = """
        UPDATE tokens SET "RevokedAt" = @p1 WHERE "InstallationId" = @p0 AND "RevokedAt" IS NULL
        """;

    internal const string RevokeLiveTokensOfFamily = """
        UPDATE tokens SET "RevokedAt" = @p2 WHERE "InstallationId" = @p0 AND "FamilyId" = @p1 AND "RevokedAt" IS NULL
        """;

    internal const string RevokeLiveAccessTokensOfFamily = """
        UPDATE tokens SET "RevokedAt" = @p2 WHERE "InstallationId" = @p0 AND "FamilyId" = @p1 AND "Kind" = @p3 AND "RevokedAt" IS NULL
        """;

    private const string MarkRotated = """
        UPDATE tokens SET "RotatedAt" = COALESCE("RotatedAt", @p1) WHERE "Id" = @p0 AND "RevokedAt" IS NULL
        """;

    private const string RevokeUnusedToken = """
        UPDATE tokens SET "RevokedAt" = @p1 WHERE "Id" = @p0 AND "RotatedAt" IS NULL AND "RevokedAt" IS NULL
        """;

    private const string NameSuccessor = """
        UPDATE tokens SET "ReplacedById" = @p0 WHERE "Id" = @p1 OR "Id" = @p2
        """;

    private const string TokenColumns = """
        "Id", "Hash", "Kind", "AppId", "InstallationId", "FamilyId", "Scopes", "CreatedAt", "ExpiresAt", "RevokedAt", "RotatedAt",
        "ReplacedById", "PassphraseHash"
        """;

    /// <summary>A token's row by hash, also for <see cref="HotPathReads"/>; <see cref="ReadToken"/> maps it.</summary>
    public const string TokenByHash = "SELECT " + TokenColumns + " FROM tokens WHERE \"Hash\" = @p0";

    private const string TokenById = "SELECT " + TokenColumns + " FROM tokens WHERE \"Id\" = @p0";

    private const string LogRevocation = """
        INSERT INTO revocations ("Kind", "InstallationId", "OccurredAt") VALUES (@p0, @p1, @p2)
        """;

    private const string InsertToken = """
        INSERT INTO tokens ("Hash", "Kind", "AppId", "InstallationId", "FamilyId", "Scopes", "CreatedAt", "ExpiresAt")
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)
        RETURNING "Id"
        """;

    private const string ConsumeCode = """
        UPDATE authorization_codes SET "ConsumedAt" = @p1 WHERE "Hash" = @p0 AND "ConsumedAt" IS NULL
        """;

    private const string CodeByHash = """
        SELECT "Id", "AppId", "InstallationId", "RedirectUri", "Scopes", "CodeChallenge", "FamilyId", "CreatedAt", "ExpiresAt", "ConsumedAt"
        FROM authorization_codes
        WHERE "Hash" = @p0
        """;

    /// <summary>
    /// Takes the installation's row lock until the transaction ends (an UPDATE that changes nothing), and says whether it
    /// is still live. Every operation that issues tokens takes it first, and so do refresh reuse detection and revocation.
    /// Under PostgreSQL's read committed, two issuing transactions would otherwise each revoke the live tokens they can see
    /// and add their own, leaving two live sets; queued on this lock, the second one's revoking UPDATE starts after the
    /// first commits and so sees its set. A family revocation queued on it likewise sees, and revokes, a set a parallel
    /// rotation was adding; and since token rows are only locked after it, those operations never deadlock on each other.
    /// An uninstall (<see cref="Installations.InstallationStore.RevokeAsync"/>) takes the same lock, so nothing is issued to
    /// an installation revoked meanwhile. SQLite runs one writing transaction at a time, so there the lock only reports
    /// liveness.
    /// </summary>
    public static async Task<bool> LockLiveInstallationAsync(WriteCommands commands, Guid installationId, CancellationToken ct) =>
        await commands.ExecuteAsync(LockLiveInstallation, ct, installationId) == 1;

    /// <summary>
    /// Revokes every live token of the installation, logged for resource servers' caches when there was one: an
    /// installation holds one live token set (FeatureOS seed 004, "Lifetimes"). Under the installation's lock.
    /// </summary>
    public static async Task RevokeLiveSetAsync(WriteCommands commands, Guid installationId, DateTimeOffset now, CancellationToken ct)
    {
        if (await commands.ExecuteAsync(RevokeLiveTokensOfInstallation, ct, installationId, now) > 0)
        {
            await LogInstallationRevokedAsync(commands, installationId, now, ct);
        }
    }

    /// <summary>Revokes every live token of a family, logged when there was one, under the installation's lock; false when none was live.</summary>
    public static async Task<bool> RevokeFamilyAsync(WriteCommands commands, Guid installationId, Guid familyId, DateTimeOffset now,
        CancellationToken ct)
    {
        if (await commands.ExecuteAsync(RevokeLiveTokensOfFamily, ct, installationId, familyId, now) == 0)
        {
            return false;
        }
        // The installation's one live set is the family's, so naming the installation drops exactly it from caches.
        await LogInstallationRevokedAsync(commands, installationId, now, ct);
        return true;
    }

    /// <summary>
    /// Revokes the family's live access tokens, logged when there was one: what a rotation leaves behind. Under the
    /// installation's lock.
    /// </summary>
    public static async Task RevokeFamilyAccessTokensAsync(WriteCommands commands, Guid installationId, Guid familyId, DateTimeOffset now,
        CancellationToken ct)
    {
        if (await commands.ExecuteAsync(RevokeLiveAccessTokensOfFamily, ct, installationId, familyId, now, nameof(TokenKind.AccessToken)) > 0)
        {
            await LogInstallationRevokedAsync(commands, installationId, now, ct);
        }
    }

    /// <summary>Marks a refresh token rotated, keeping the time of its first rotation; false when it was revoked.</summary>
    public static async Task<bool> MarkRotatedAsync(WriteCommands commands, long tokenId, DateTimeOffset now, CancellationToken ct) =>
        await commands.ExecuteAsync(MarkRotated, ct, tokenId, now) == 1;

    /// <summary>Revokes a token if it was never rotated nor revoked, with one conditional UPDATE; false when it was.</summary>
    public static async Task<bool> RevokeIfUnusedAsync(WriteCommands commands, long tokenId, DateTimeOffset now, CancellationToken ct) =>
        await commands.ExecuteAsync(RevokeUnusedToken, ct, tokenId, now) == 1;

    /// <summary>Names <paramref name="successorId"/> as what took the place of <paramref name="tokenId"/> and, if any, <paramref name="alsoId"/>.</summary>
    public static Task NameSuccessorAsync(WriteCommands commands, long successorId, long tokenId, long? alsoId, CancellationToken ct) =>
        commands.ExecuteAsync(NameSuccessor, ct, successorId, tokenId, alsoId);

    public static Task<IssuedToken?> TokenByIdAsync(WriteCommands commands, long tokenId, CancellationToken ct) =>
        commands.SingleOrDefaultAsync(TokenById, ReadToken, ct, tokenId);

    /// <summary>A row of <see cref="TokenColumns"/>.</summary>
    public static IssuedToken ReadToken(StoredRow row) => new()
    {
        Id = row.Number(0),
        Hash = row.Bytes(1),
        Kind = row.Enum<TokenKind>(2),
        AppId = row.Number(3),
        InstallationId = row.Id(4),
        FamilyId = row.Id(5),
        Scopes = [.. row.Strings(6)],
        CreatedAt = row.Time(7)!.Value,
        ExpiresAt = row.Time(8),
        RevokedAt = row.Time(9),
        RotatedAt = row.Time(10),
        ReplacedById = row.NullableNumber(11),
        PassphraseHash = row.NullableBytes(12),
    };

    /// <summary>Stores <paramref name="minted"/>'s hashes as a set issued now; the set to send, and its refresh token's row id.</summary>
    public static async Task<(TokenSet Set, long? RefreshTokenId)> InsertSetAsync(WriteCommands commands, MintedTokenSet minted,
        long appId, Guid installationId, IReadOnlyList<string> scopes, Guid familyId, TokenLifetimes lifetimes, DateTimeOffset now,
        CancellationToken ct)
    {
        var accessExpiresAt = now + lifetimes.AccessToken;
        await Insert(TokenKind.AccessToken, minted.AccessTokenHash, accessExpiresAt);
        long? refreshId = minted.RefreshTokenHash is { } refreshHash
            ? await Insert(TokenKind.RefreshToken, refreshHash, now + lifetimes.RefreshToken)
            : null;
        return (new TokenSet(minted.AccessToken, accessExpiresAt, minted.RefreshToken, scopes, familyId), refreshId);

        Task<long> Insert(TokenKind kind, byte[] hash, DateTimeOffset? expiresAt) => commands.ScalarAsync(InsertToken, ct,
            hash, kind.ToString(), appId, installationId, familyId, scopes, now, expiresAt);
    }

    /// <summary>
    /// Marks the code consumed unless it already was, with one conditional UPDATE; whether this call consumed it, and the
    /// code's row (null when the hash names none).
    /// </summary>
    public static async Task<(bool Consumed, AuthorizationCode? Code)> ConsumeCodeAsync(WriteCommands commands, byte[] hash,
        DateTimeOffset now, CancellationToken ct)
    {
        var consumed = await commands.ExecuteAsync(ConsumeCode, ct, hash, now) == 1;
        var code = await commands.SingleOrDefaultAsync(CodeByHash, row => new AuthorizationCode
        {
            Id = row.Number(0),
            Hash = hash,
            AppId = row.Number(1),
            InstallationId = row.Id(2),
            RedirectUri = row.NullableText(3),
            Scopes = [.. row.Strings(4)],
            CodeChallenge = row.NullableText(5),
            FamilyId = row.Id(6),
            CreatedAt = row.Time(7)!.Value,
            ExpiresAt = row.Time(8)!.Value,
            ConsumedAt = row.Time(9),
        }, ct, hash);
        return (consumed, code);
    }

    private static Task<int> LogInstallationRevokedAsync(WriteCommands commands, Guid installationId, DateTimeOffset now, CancellationToken ct) =>
        commands.ExecuteAsync(LogRevocation, ct, nameof(RevocationKind.Installation), installationId, now);
}

/// <summary>A set's plaintext tokens, minted and hashed before its write transaction, which then only stores the hashes.</summary>
public sealed record MintedTokenSet(string AccessToken, byte[] AccessTokenHash, string? RefreshToken, byte[]? RefreshTokenHash)
{
    public static MintedTokenSet Mint(TokenPrefixes prefixes, bool withRefreshToken)
    {
        var access = TokenCodec.Mint(prefixes.AccessToken);
        var refresh = withRefreshToken ? TokenCodec.Mint(prefixes.RefreshToken) : null;
        return new(access, TokenCodec.Hash(access), refresh, refresh is null ? null : TokenCodec.Hash(refresh));
    }
}
