using Latchkey.Revocations;
using Latchkey.Storage;

namespace Latchkey.Tokens;

/// <summary>
/// The statements that issue token sets, as SQL (<see cref="WriteCommands"/>): in <see cref="HotPathWrites"/>' transaction
/// for client_credentials, in a request's EF Core transaction for a code's or a refresh token's set. They name the
/// tables and columns of the migrations (<c>Storage/Configurations</c>); a migration renaming one must change them.
/// </summary>
internal static class TokenSetWrites
{
    private const string LockLiveInstallation = """
        UPDATE installations SET "UpdatedAt" = "UpdatedAt" WHERE "Id" = @p0 AND "RevokedAt" IS NULL
        """;

    private const string RevokeLiveTokens = """
        UPDATE tokens SET "RevokedAt" = @p1 WHERE "InstallationId" = @p0 AND "RevokedAt" IS NULL
        """;

    private const string LogRevocation = """
        INSERT INTO revocations ("Kind", "InstallationId", "OccurredAt") VALUES (@p0, @p1, @p2)
        """;

    private const string InsertToken = """
        INSERT INTO tokens ("Hash", "Kind", "AppId", "InstallationId", "FamilyId", "Scopes", "CreatedAt", "ExpiresAt")
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)
        RETURNING "Id"
        """;

    /// <summary>
    /// Takes the installation's row lock until the transaction ends (an UPDATE that changes nothing), and says whether it
    /// is still live. <see cref="TokenStore"/> explains who takes it and why.
    /// </summary>
    public static async Task<bool> LockLiveInstallationAsync(WriteCommands commands, Guid installationId, CancellationToken ct) =>
        await commands.ExecuteAsync(LockLiveInstallation, ct, commands.Id(installationId)) == 1;

    /// <summary>
    /// Revokes every live token of the installation, logging it for resource servers' caches when there was one: an
    /// installation holds one live token set (FeatureOS seed 004, "Lifetimes"). Under the installation's lock.
    /// </summary>
    public static async Task RevokeLiveSetAsync(WriteCommands commands, Guid installationId, DateTimeOffset now, CancellationToken ct)
    {
        if (await commands.ExecuteAsync(RevokeLiveTokens, ct, commands.Id(installationId), commands.Time(now)) > 0)
        {
            await commands.ExecuteAsync(LogRevocation, ct,
                nameof(RevocationKind.Installation), commands.Id(installationId), commands.Time(now));
        }
    }

    /// <summary>Stores <paramref name="minted"/>'s hashes as a set issued now; the set to send, and its refresh token's row id.</summary>
    public static async Task<(TokenSet Set, long? RefreshTokenId)> InsertAsync(WriteCommands commands, MintedTokenSet minted,
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
            hash, kind.ToString(), appId, commands.Id(installationId), commands.Id(familyId), commands.Strings(scopes),
            commands.Time(now), commands.Time(expiresAt));
    }
}

/// <summary>A set's plaintext tokens, minted and hashed before its write transaction, which then only stores the hashes.</summary>
internal sealed record MintedTokenSet(string AccessToken, byte[] AccessTokenHash, string? RefreshToken, byte[]? RefreshTokenHash)
{
    public static MintedTokenSet Mint(TokenPrefixes prefixes, bool withRefreshToken)
    {
        var access = TokenCodec.Mint(prefixes.AccessToken);
        var refresh = withRefreshToken ? TokenCodec.Mint(prefixes.RefreshToken) : null;
        return new(access, TokenCodec.Hash(access), refresh, refresh is null ? null : TokenCodec.Hash(refresh));
    }
}
