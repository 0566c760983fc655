using System.Data.Common;
using Latchkey.Apps;
using Latchkey.Profiles;
using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tokens;

/// <summary>
/// The read side of presented tokens, for introspection and Bearer validation: one indexed query by
/// hash, joined to the installation and the app, as prepared SQL (<see cref="HotPathReads"/>). The only write
/// is <see cref="RecordUseAsync"/>, and it is skipped almost always.
/// </summary>
public sealed partial class TokenLookup(LatchkeyDbContext db, HotPathReads reads, TimeProvider clock, ILogger<TokenLookup> logger)
{
    /// <summary>How stale an installation's LastUsedAt may get. Finer would make every request a write.</summary>
    public static readonly TimeSpan UsageResolution = TimeSpan.FromMinutes(1);

    /// <summary>The prefixes of every profile: a resource server does not know which app a token is for.</summary>
    private static readonly TokenPrefixes[] EveryProfile = [.. Enum.GetValues<ProfileName>().Select(ProfileTokenPrefixes.For).Distinct()];

    /// <summary>One indexed query by hash, joined to the installation and the app (<see cref="HotPathReads"/>).</summary>
    private const string ByHash = """
        SELECT t."Kind", t."AppId", a."ClientId", a."Name", a."Status", i."Id", t."FamilyId", i."OrganizationId", i."ActorMode",
               i."UserId", t."Scopes", t."CreatedAt", t."ExpiresAt", t."RevokedAt", t."RotatedAt", i."RevokedAt", i."LastUsedAt",
               t."PassphraseHash"
        FROM tokens t
        JOIN installations i ON i."Id" = t."InstallationId"
        JOIN apps a ON a."Id" = t."AppId"
        WHERE t."Hash" = @p0
        """;

    private static TokenRecord Read(StoredRow row) => new(
        Kind: row.Enum<TokenKind>(0),
        AppId: row.Number(1),
        ClientId: row.Text(2),
        AppName: row.Text(3),
        AppStatus: row.Enum<AppStatus>(4),
        InstallationId: row.Id(5),
        FamilyId: row.Id(6),
        OrganizationId: row.Id(7),
        ActorMode: row.Text(8),
        UserId: row.NullableId(9),
        Scopes: row.Strings(10),
        IssuedAt: row.Time(11)!.Value,
        ExpiresAt: row.Time(12),
        RevokedAt: row.Time(13),
        RotatedAt: row.Time(14),
        InstallationRevokedAt: row.Time(15),
        InstallationLastUsedAt: row.Time(16),
        PassphraseHash: row.NullableBytes(17));

    /// <summary>
    /// The token, live or not, when it is well formed as <paramref name="kind"/> (null: access or refresh) under
    /// any profile's prefixes. The prefix is part of what is hashed, so it also decides the kind of any row found.
    /// Garbage never reaches the database.
    /// </summary>
    public async Task<TokenRecord?> FindAsync(string? token, TokenKind? kind, CancellationToken ct)
    {
        if (!EveryProfile.Any(prefixes => IsWellFormed(token, prefixes, kind)))
        {
            return null;
        }
        return await reads.SingleOrDefaultAsync(ByHash, TokenCodec.Hash(token!), Read, ct);
    }

    /// <summary>
    /// Moves the installation's LastUsedAt to now when it is older than <see cref="UsageResolution"/>, for the
    /// "last used" column of the installation pages and API. The hot path (every Bearer check, every resource-server
    /// introspection) mostly does not write: the value read with the token spares the write until the stored one is
    /// a minute old, and the conditional UPDATE lets one of many parallel requests, on any node, win the rest. A
    /// failed write (a busy SQLite file, a lost connection) is logged and never fails the request that used the token.
    /// </summary>
    public async Task RecordUseAsync(TokenRecord token, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var staleBefore = now - UsageResolution;
        if (token.InstallationLastUsedAt >= staleBefore)
        {
            return;
        }
        try
        {
            await db.Installations
                .Where(i => i.Id == token.InstallationId && (i.LastUsedAt == null || i.LastUsedAt < staleBefore))
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.LastUsedAt, now), ct);
        }
        catch (DbException e)
        {
            LogUsageNotRecorded(logger, token.InstallationId, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record that installation {InstallationId} was used; the request goes on.")]
    private static partial void LogUsageNotRecorded(ILogger logger, Guid installationId, Exception exception);

    private static bool IsWellFormed(string? token, TokenPrefixes prefixes, TokenKind? kind) =>
        (kind is null or TokenKind.AccessToken && TokenCodec.IsWellFormed(token, prefixes.AccessToken))
        || (kind is null or TokenKind.RefreshToken && TokenCodec.IsWellFormed(token, prefixes.RefreshToken));
}
