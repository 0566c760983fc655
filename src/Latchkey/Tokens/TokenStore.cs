using Latchkey.Installations;
using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tokens;

/// <summary>
/// The atomic operations that keep the token rules (DESIGN.md "Rules that always hold", 3 and 8).
/// Each is one conditional UPDATE or one transaction, so the rules hold under parallel requests and
/// across server processes sharing a database. Only hashes go in; plaintext comes out once.
/// </summary>
public sealed class TokenStore(LatchkeyDbContext db, TimeProvider clock)
{
    public async Task<string> IssueCodeAsync(Installation installation, string? redirectUri, IReadOnlyList<string> scopes,
        string? codeChallenge, TokenPrefixes prefixes, TimeSpan lifetime, CancellationToken ct)
    {
        var code = TokenCodec.Mint(prefixes.AuthorizationCode);
        var now = clock.GetUtcNow();
        db.AuthorizationCodes.Add(new AuthorizationCode
        {
            Hash = TokenCodec.Hash(code),
            AppId = installation.AppId,
            InstallationId = installation.Id,
            RedirectUri = redirectUri,
            Scopes = [.. scopes],
            CodeChallenge = codeChallenge,
            FamilyId = Guid.CreateVersion7(),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        });
        await db.SaveChangesAsync(ct);
        return code;
    }

    /// <summary>
    /// Marks the code consumed with one conditional UPDATE: of any number of parallel redemptions,
    /// exactly one sees <see cref="CodeConsumption.Consumed"/>. The code is burned before any other
    /// check, so a redemption that then fails a check cannot be retried (DESIGN.md rule 3).
    /// </summary>
    public async Task<(CodeConsumption Outcome, AuthorizationCode? Code)> TryConsumeCodeAsync(string code, CancellationToken ct)
    {
        var hash = TokenCodec.Hash(code);
        var now = clock.GetUtcNow();
        var won = await db.AuthorizationCodes
            .Where(c => c.Hash == hash && c.ConsumedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.ConsumedAt, now), ct) == 1;
        var row = await db.AuthorizationCodes.AsNoTracking().SingleOrDefaultAsync(c => c.Hash == hash, ct);
        return row switch
        {
            null => (CodeConsumption.Unknown, null),
            _ when !won => (CodeConsumption.Replayed, row),
            _ when row.ExpiresAt <= now => (CodeConsumption.Expired, row),
            _ => (CodeConsumption.Consumed, row),
        };
    }

    /// <summary>
    /// Issues a new token set for an installation and revokes every token it had, in one transaction:
    /// an installation holds one live token set (FeatureOS seed 004, "Lifetimes"). Null when the
    /// installation was revoked meanwhile. Joins the caller's transaction if there is one
    /// (<see cref="Protocol.Grants.AuthorizationCodeGrant"/> burns the code in the same one).
    /// </summary>
    public async Task<TokenSet?> IssueTokenSetAsync(Installation installation, IReadOnlyList<string> scopes, Guid familyId,
        TokenPrefixes prefixes, TokenLifetimes lifetimes, bool withRefreshToken, CancellationToken ct)
    {
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        if (!await LockLiveInstallationAsync(installation.Id, ct))
        {
            return null;
        }
        var now = clock.GetUtcNow();
        await db.Tokens
            .Where(t => t.InstallationId == installation.Id && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), ct);
        var set = AddTokenSet(installation.AppId, installation.Id, scopes, familyId, prefixes, lifetimes, withRefreshToken, now);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
        return set;
    }

    /// <summary>
    /// Exchanges a refresh token for a new set in one transaction (RFC 6749 §6, RFC 9700 §4.14.2):
    /// the presented token is marked rotated by a conditional UPDATE, its family's access tokens are
    /// revoked, and the new set joins the family. Presenting a rotated token again revokes the family.
    /// </summary>
    public async Task<(RefreshOutcome Outcome, IssuedToken? Presented, TokenSet? Issued)> RotateRefreshTokenAsync(
        string refreshToken, long appId, Func<IssuedToken, IReadOnlyList<string>?> narrowScopes,
        TokenPrefixes prefixes, TokenLifetimes lifetimes, CancellationToken ct)
    {
        var hash = TokenCodec.Hash(refreshToken);
        var now = clock.GetUtcNow();
        var presented = await db.Tokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.Hash == hash && t.Kind == TokenKind.RefreshToken, ct);
        if (presented is null || presented.AppId != appId)
        {
            return (RefreshOutcome.Unknown, null, null);
        }
        if (presented.RevokedAt is not null)
        {
            return (RefreshOutcome.Revoked, presented, null);
        }
        if (presented.RotatedAt is not null)
        {
            await RevokeFamilyAsync(presented.FamilyId, ct);
            return (RefreshOutcome.ReuseDetected, presented, null);
        }
        if (presented.ExpiresAt <= now)
        {
            return (RefreshOutcome.Expired, presented, null);
        }
        if (narrowScopes(presented) is not { } scopes)
        {
            return (RefreshOutcome.ScopeWidened, presented, null);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await LockLiveInstallationAsync(presented.InstallationId, ct))
        {
            // Uninstalled since the lookup above: the uninstall has revoked this token too.
            return (RefreshOutcome.Revoked, presented, null);
        }
        var won = await db.Tokens
            .Where(t => t.Id == presented.Id && t.RotatedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RotatedAt, now), ct) == 1;
        if (!won)
        {
            // A parallel request rotated it first: this presentation is a reuse.
            await transaction.RollbackAsync(ct);
            await RevokeFamilyAsync(presented.FamilyId, ct);
            return (RefreshOutcome.ReuseDetected, presented, null);
        }
        await db.Tokens
            .Where(t => t.FamilyId == presented.FamilyId && t.Kind == TokenKind.AccessToken && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), ct);
        var issued = AddTokenSet(presented.AppId, presented.InstallationId, scopes, presented.FamilyId, prefixes, lifetimes, withRefreshToken: true, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (RefreshOutcome.Rotated, presented, issued);
    }

    /// <summary>Revokes every live token of a family: what a replayed code or a reused refresh token issued.</summary>
    public Task<int> RevokeFamilyAsync(Guid familyId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.Tokens
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), ct);
    }

    /// <summary>
    /// RFC 7009 §2.1: revokes a token that <paramref name="appId"/> holds. A refresh token takes its whole family
    /// with it (the RFC's "SHOULD also invalidate all access tokens based on the same authorization grant"); an access
    /// token only itself. Another app's token, an unknown one or one already revoked changes nothing. The presented row
    /// is revoked first, in the transaction, which takes its row lock: a refresh rotating it in parallel either commits
    /// first, and its new tokens are then revoked with the family, or finds it revoked and issues nothing.
    /// </summary>
    public async Task RevokeAsync(string token, long appId, CancellationToken ct)
    {
        var hash = TokenCodec.Hash(token);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var presented = db.Tokens.Where(t => t.Hash == hash && t.AppId == appId);
        if (await presented.ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, t => t.RevokedAt ?? now), ct) == 0)
        {
            return;
        }
        var row = await presented.AsNoTracking().Select(t => new { t.Kind, t.FamilyId }).SingleAsync(ct);
        if (row.Kind == TokenKind.RefreshToken)
        {
            await RevokeFamilyAsync(row.FamilyId, ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>Looks a presented access or refresh token up by hash. Garbage never reaches the database.</summary>
    public async Task<IssuedToken?> FindAsync(string? token, TokenPrefixes prefixes, CancellationToken ct)
    {
        if (!TokenCodec.IsWellFormed(token, prefixes.AccessToken) && !TokenCodec.IsWellFormed(token, prefixes.RefreshToken))
        {
            return null;
        }
        var hash = TokenCodec.Hash(token!);
        return await db.Tokens.AsNoTracking().SingleOrDefaultAsync(t => t.Hash == hash, ct);
    }

    /// <summary>
    /// Takes the installation's row lock until the transaction ends, and says whether it is still live.
    /// Every operation that issues tokens takes it first. Under PostgreSQL's read committed, two issuing
    /// transactions would otherwise each revoke the live tokens they can see and add their own, leaving
    /// two live sets; queued on this lock, the second one's revoking UPDATE starts after the first commits
    /// and so sees its set. An uninstall (<see cref="InstallationStore.RevokeAsync"/>) takes the same lock,
    /// so nothing is issued to an installation revoked meanwhile. SQLite runs one writing transaction at a
    /// time, so there the lock only reports liveness.
    /// </summary>
    private async Task<bool> LockLiveInstallationAsync(Guid installationId, CancellationToken ct) =>
        await db.Installations
            .Where(i => i.Id == installationId && i.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.UpdatedAt, i => i.UpdatedAt), ct) == 1;

    private TokenSet AddTokenSet(long appId, Guid installationId, IReadOnlyList<string> scopes, Guid familyId,
        TokenPrefixes prefixes, TokenLifetimes lifetimes, bool withRefreshToken, DateTimeOffset now)
    {
        var access = Add(TokenKind.AccessToken, prefixes.AccessToken, lifetimes.AccessToken);
        var refresh = withRefreshToken ? Add(TokenKind.RefreshToken, prefixes.RefreshToken, lifetimes.RefreshToken) : null;
        return new TokenSet(access, now + lifetimes.AccessToken, refresh, scopes, familyId);

        string Add(TokenKind kind, string prefix, TimeSpan? lifetime)
        {
            var plaintext = TokenCodec.Mint(prefix);
            db.Tokens.Add(new IssuedToken
            {
                Hash = TokenCodec.Hash(plaintext),
                Kind = kind,
                AppId = appId,
                InstallationId = installationId,
                FamilyId = familyId,
                Scopes = [.. scopes],
                CreatedAt = now,
                ExpiresAt = now + lifetime,
            });
            return plaintext;
        }
    }
}

public enum CodeConsumption
{
    Consumed,
    Replayed,
    Expired,
    Unknown,
}

public enum RefreshOutcome
{
    Rotated,
    ReuseDetected,
    Revoked,
    Expired,
    ScopeWidened,
    Unknown,
}
