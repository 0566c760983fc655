using Latchkey.Installations;
using Latchkey.Revocations;
using Latchkey.Storage;
using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Latchkey.Tokens;

/// <summary>
/// The atomic operations that keep the token rules (DESIGN.md "Rules that always hold", 3 and 8).
/// Each is one conditional UPDATE or one transaction, so the rules hold under parallel requests and
/// across server processes sharing a database. Only hashes go in; plaintext comes out once. Whatever
/// ends live tokens early also writes a <see cref="Revocation"/> in its transaction, for resource servers' caches.
/// </summary>
public sealed class TokenStore(LatchkeyDbContext db, HotPathWrites writes, TimeProvider clock, WebhookOutbox webhooks)
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
    /// (<see cref="Protocol.Grants.AuthorizationCodeGrant"/> burns the code in the same one); otherwise runs
    /// as <see cref="HotPathWrites"/> work, which on SQLite shares its commit with the other requests queued meanwhile.
    /// </summary>
    public async Task<TokenSet?> IssueTokenSetAsync(Installation installation, IReadOnlyList<string> scopes, Guid familyId,
        TokenPrefixes prefixes, TokenLifetimes lifetimes, bool withRefreshToken, CancellationToken ct)
    {
        var minted = MintedTokenSet.Mint(prefixes, withRefreshToken);
        return db.Database.CurrentTransaction is null
            ? await writes.RunAsync((commands, ct) => IssueAsync(commands, ct), ct)
            : await IssueAsync(WriteCommands.Joining(db), ct);

        async Task<TokenSet?> IssueAsync(WriteCommands commands, CancellationToken ct)
        {
            if (!await TokenSetWrites.LockLiveInstallationAsync(commands, installation.Id, ct))
            {
                return null;
            }
            var now = clock.GetUtcNow();
            await TokenSetWrites.RevokeLiveSetAsync(commands, installation.Id, now, ct);
            var (set, _) = await TokenSetWrites.InsertAsync(commands, minted, installation.AppId, installation.Id, scopes, familyId,
                lifetimes, now, ct);
            return set;
        }
    }

    /// <summary>
    /// Exchanges a refresh token for a new set (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2), in one
    /// transaction under the installation's lock: the presented token is marked rotated, its family's access tokens are
    /// revoked, and the new set joins the family. Presenting a rotated token again revokes the family, unless it comes
    /// within <see cref="TokenLifetimes.RefreshReuseGrace"/> of the first rotation and the successor has not been
    /// rotated: then the unused successor set is revoked and a new one issued in its place (a lost response, retried).
    /// </summary>
    public async Task<(RefreshOutcome Outcome, IssuedToken? Presented, TokenSet? Issued)> RotateRefreshTokenAsync(
        string refreshToken, long appId, Func<IssuedToken, IReadOnlyList<string>?> narrowScopes,
        TokenPrefixes prefixes, TokenLifetimes lifetimes, CancellationToken ct)
    {
        var hash = TokenCodec.Hash(refreshToken);
        var presented = await db.Tokens.AsNoTracking()
            .SingleOrDefaultAsync(t => t.Hash == hash && t.Kind == TokenKind.RefreshToken, ct);
        if (presented is null || presented.AppId != appId)
        {
            return (RefreshOutcome.Unknown, null, null);
        }
        // A first look, without a lock, turns away what changes nothing: those states never change back.
        var verdict = presented.Judge(clock.GetUtcNow(), lifetimes.RefreshReuseGrace);
        if (Final(verdict) is { } final)
        {
            return (final, presented, null);
        }
        var scopes = narrowScopes(presented);
        if (scopes is null && verdict is RefreshVerdict.Rotate or RefreshVerdict.ReplaceSuccessor)
        {
            return (RefreshOutcome.ScopeWidened, presented, null);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await LockLiveInstallationAsync(presented.InstallationId, ct))
        {
            // Uninstalled since the lookup above: the uninstall has revoked this token too.
            return (RefreshOutcome.Revoked, presented, null);
        }
        // Under the lock nothing else issues to this installation, so the row as read now is the one to act on: a
        // parallel request that rotated it first has committed, and this one is judged as presenting a rotated token.
        presented = await db.Tokens.AsNoTracking().SingleAsync(t => t.Id == presented.Id, ct);
        var now = clock.GetUtcNow();
        verdict = presented.Judge(now, lifetimes.RefreshReuseGrace);
        if (Final(verdict) is { } changed)
        {
            return (changed, presented, null);
        }
        if (verdict is RefreshVerdict.Reuse or RefreshVerdict.ReplacedReuse)
        {
            return (await RevokeForReuseAsync(presented, verdict, transaction, ct), presented, null);
        }
        // Rotated now, or (within the grace) keeping its first rotation's time, so retries do not stretch the grace.
        // Conditional, because a replayed code revokes a family without this lock (AuthorizationCodeGrant).
        var presentedId = presented.Id;
        if (await db.Tokens
                .Where(t => t.Id == presentedId && t.RevokedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.RotatedAt, t => t.RotatedAt ?? now), ct) == 0)
        {
            return (RefreshOutcome.Revoked, presented, null);
        }
        if (verdict is RefreshVerdict.ReplaceSuccessor && !await RevokeUnusedSuccessorAsync(presented, now, ct))
        {
            return (await RevokeForReuseAsync(presented, RefreshVerdict.Reuse, transaction, ct), presented, null);
        }
        if (await db.Tokens
                .Where(t => t.FamilyId == presented.FamilyId && t.Kind == TokenKind.AccessToken && t.RevokedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), ct) > 0)
        {
            // The installation's one live set is this family (IssueTokenSetAsync), so naming the installation
            // drops exactly the old access token from caches, without reading its hash.
            db.Revocations.Add(Revocation.OfInstallation(presented.InstallationId, now));
        }
        await db.SaveChangesAsync(ct);
        var (issued, successorId) = await TokenSetWrites.InsertAsync(WriteCommands.Joining(db),
            MintedTokenSet.Mint(prefixes, withRefreshToken: true), presented.AppId, presented.InstallationId, scopes!,
            presented.FamilyId, lifetimes, now, ct);
        // The presented token, and the successor it just replaced, name the new refresh token as what took their place.
        var replacedSuccessor = verdict is RefreshVerdict.ReplaceSuccessor ? presented.ReplacedById : null;
        await db.Tokens
            .Where(t => t.Id == presentedId || t.Id == replacedSuccessor)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.ReplacedById, successorId), ct);
        await transaction.CommitAsync(ct);
        return (RefreshOutcome.Rotated, presented, issued);
    }

    /// <summary>RFC 9700 §4.14.2: the presented token is in two hands, so the whole family goes, in the locked transaction.</summary>
    private async Task<RefreshOutcome> RevokeForReuseAsync(IssuedToken presented, RefreshVerdict verdict,
        IDbContextTransaction transaction, CancellationToken ct)
    {
        await RevokeFamilyLockedAsync(presented.InstallationId, presented.FamilyId, ct);
        await webhooks.RefreshTokenReuseDetectedAsync(presented, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return verdict is RefreshVerdict.ReplacedReuse ? RefreshOutcome.ReplacedReuseDetected : RefreshOutcome.ReuseDetected;
    }

    /// <summary>The outcome of a verdict that changes nothing; null when the request goes on.</summary>
    private static RefreshOutcome? Final(RefreshVerdict verdict) => verdict switch
    {
        RefreshVerdict.AlreadyRotated => RefreshOutcome.AlreadyRotated,
        RefreshVerdict.Revoked => RefreshOutcome.Revoked,
        RefreshVerdict.Expired => RefreshOutcome.Expired,
        _ => null,
    };

    /// <summary>
    /// Revokes the presented token's successor, if it is still unused (never rotated), with one conditional UPDATE.
    /// False when it was rotated, which ends the grace: the token presented now is being reused. Also false for a
    /// token rotated before successors were recorded, whose successor is unknown.
    /// </summary>
    private async Task<bool> RevokeUnusedSuccessorAsync(IssuedToken presented, DateTimeOffset now, CancellationToken ct) =>
        presented.ReplacedById is { } successorId
        && await db.Tokens
            .Where(t => t.Id == successorId && t.RotatedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), ct) == 1;

    /// <summary>
    /// Revokes every live token of a family: what a replayed code issued, or an invalidated token's set. It takes the
    /// installation's lock first, in the order every writer takes them (code, installation, tokens), so it cannot
    /// deadlock with a rotation of the same family. Joins the caller's transaction if there is one.
    /// </summary>
    public async Task RevokeFamilyAsync(Guid installationId, Guid familyId, CancellationToken ct)
    {
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        // Not live: the uninstall already revoked every token of the installation, and the update below finds none.
        await LockLiveInstallationAsync(installationId, ct);
        await RevokeFamilyLockedAsync(installationId, familyId, ct);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }
    }

    /// <summary>
    /// Revokes every live token of a family, under a lock the caller already holds, and adds its log entry to the
    /// context, for the caller's save; false when none was live.
    /// </summary>
    private async Task<bool> RevokeFamilyLockedAsync(Guid installationId, Guid familyId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (await db.Tokens
                .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), ct) == 0)
        {
            return false;
        }
        db.Revocations.Add(Revocation.OfInstallation(installationId, now));
        return true;
    }

    /// <summary>
    /// RFC 7009 §2.1: revokes a token that <paramref name="appId"/> holds. A refresh token takes its whole family
    /// with it (the RFC's "SHOULD also invalidate all access tokens based on the same authorization grant"); an access
    /// token only itself, even one already revoked or rotated. Another app's token or an unknown one changes nothing. It takes the
    /// installation's lock first, as every issuance does, so a refresh rotating in parallel either commits first, and
    /// its new tokens are then revoked with the family, or runs after and finds the token revoked.
    /// </summary>
    public async Task RevokeAsync(string token, long appId, CancellationToken ct)
    {
        var hash = TokenCodec.Hash(token);
        var row = await db.Tokens.AsNoTracking()
            .Where(t => t.Hash == hash && t.AppId == appId)
            .Select(t => new { t.Id, t.Kind, t.FamilyId, t.InstallationId })
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await LockLiveInstallationAsync(row.InstallationId, ct))
        {
            // Uninstalled: the uninstall revoked every token of the installation.
            return;
        }
        var now = clock.GetUtcNow();
        var revoked = row.Kind == TokenKind.RefreshToken
            ? await RevokeFamilyLockedAsync(row.InstallationId, row.FamilyId, ct)
            : await db.Tokens.Where(t => t.Id == row.Id && t.RevokedAt == null).ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), ct) == 1;
        if (revoked)
        {
            if (row.Kind == TokenKind.AccessToken)
            {
                db.Revocations.Add(Revocation.OfToken(hash, row.InstallationId, now));
            }
            // Revoking a dead token again changes nothing, so it tells the app nothing either.
            await webhooks.TokenRevokedAsync(row.InstallationId, row.Kind, row.FamilyId, ct);
            await db.SaveChangesAsync(ct);
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
    /// Every operation that issues tokens takes it first, and so do refresh reuse detection and revocation.
    /// Under PostgreSQL's read committed, two issuing transactions would otherwise each revoke the live tokens
    /// they can see and add their own, leaving two live sets; queued on this lock, the second one's revoking
    /// UPDATE starts after the first commits and so sees its set. A family revocation queued on it likewise
    /// sees, and revokes, a set a parallel rotation was adding; and since token rows are only locked after it,
    /// those operations never deadlock on each other. An uninstall (<see cref="InstallationStore.RevokeAsync"/>)
    /// takes the same lock, so nothing is issued to an installation revoked meanwhile. SQLite runs one writing
    /// transaction at a time, so there the lock only reports liveness.
    /// </summary>
    private Task<bool> LockLiveInstallationAsync(Guid installationId, CancellationToken ct) =>
        TokenSetWrites.LockLiveInstallationAsync(WriteCommands.Joining(db), installationId, ct);
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
    /// <summary>A rotated token presented outside the grace, or after its successor was rotated: the family was revoked.</summary>
    ReuseDetected,
    /// <summary>A successor replaced during the grace, presented after all: the family was revoked.</summary>
    ReplacedReuseDetected,
    /// <summary>A rotated token whose family had already been revoked: nothing changed.</summary>
    AlreadyRotated,
    Revoked,
    Expired,
    ScopeWidened,
    Unknown,
}
