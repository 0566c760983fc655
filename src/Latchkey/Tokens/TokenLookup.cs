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
        WHERE t."Hash" = @key
        """;

    private static TokenRecord Read(DbDataReader row, HotPathReads columns) => new(
        Kind: Enum.Parse<TokenKind>(row.GetString(0)),
        AppId: row.GetInt64(1),
        ClientId: row.GetString(2),
        AppName: row.GetString(3),
        AppStatus: Enum.Parse<AppStatus>(row.GetString(4)),
        InstallationId: row.GetGuid(5),
        FamilyId: row.GetGuid(6),
        OrganizationId: row.GetGuid(7),
        ActorMode: row.GetString(8),
        UserId: row.IsDBNull(9) ? null : row.GetGuid(9),
        Scopes: columns.Strings(row, 10),
        IssuedAt: columns.Timestamp(row, 11)!.Value,
        ExpiresAt: columns.Timestamp(row, 12),
        RevokedAt: columns.Timestamp(row, 13),
        RotatedAt: columns.Timestamp(row, 14),
        InstallationRevokedAt: columns.Timestamp(row, 15),
        InstallationLastUsedAt: columns.Timestamp(row, 16),
        PassphraseHash: row.IsDBNull(17) ? null : row.GetFieldValue<byte[]>(17));

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
