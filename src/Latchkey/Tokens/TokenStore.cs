using Latchkey.Installations;
using Latchkey.Revocations;
using Latchkey.Storage;
using Latchkey.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tokens;

/// <summary>
/// The atomic operations that keep the token rules (DESIGN.md "Rules that always hold", 3 and 8).
/// Each is one conditional UPDATE or one transaction, so the rules hold under parallel requests and
/// across server processes sharing a database. Only hashes go in; plaintext comes out once. Whatever
/// ends live tokens early also writes a <see cref="Revocation"/> in its transaction, for resource servers' caches.
/// </summary>
public sealed class TokenStore(LatchkeyDbContext db, WriteTransactions transactions, HotPathReads reads, TimeProvider clock,
    WebhookOutbox webhooks)
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
    /// Marks the code consumed with one conditional UPDATE, in the caller's write transaction: of any number of parallel
    /// redemptions, exactly one sees <see cref="CodeConsumption.Consumed"/>. The code is burned before any other check, so
    /// a redemption that then fails a check cannot be retried (DESIGN.md rule 3).
    /// </summary>
    public async Task<(CodeConsumption Outcome, AuthorizationCode? Code)> TryConsumeCodeAsync(WriteCommands commands, string code,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (won, row) = await TokenStatements.ConsumeCodeAsync(commands, TokenCodec.Hash(code), now, ct);
        return row switch
        {
            null => (CodeConsumption.Unknown, null),
            _ when !won => (CodeConsumption.Replayed, row),
            _ when row.ExpiresAt <= now => (CodeConsumption.Expired, row),
            _ => (CodeConsumption.Consumed, row),
        };
    }

    /// <summary>
    /// Issues a new token set for an installation, in a write transaction of its own (<see cref="WriteTransactions"/>):
    /// client_credentials, which on SQLite shares its commit with the other requests queued meanwhile.
    /// </summary>
    public Task<TokenSet?> IssueTokenSetAsync(Guid installationId, long appId, IReadOnlyList<string> scopes, Guid familyId,
        TokenPrefixes prefixes, TokenLifetimes lifetimes, bool withRefreshToken, CancellationToken ct)
    {
        var minted = MintedTokenSet.Mint(prefixes, withRefreshToken);
        return transactions.RunAsync((commands, ct) => IssueTokenSetAsync(commands, installationId, appId, scopes, familyId,
            minted, lifetimes, ct), ct);
    }

    /// <summary>
    /// Issues a new token set for an installation and revokes every token it had, in the caller's write transaction
    /// (<see cref="Protocol.Grants.AuthorizationCodeGrant"/> burns the code in the same one): an installation holds one
    /// live token set (FeatureOS seed 004, "Lifetimes"). Null when the installation was revoked meanwhile. The tokens are
    /// <paramref name="minted"/> before the transaction, off SQLite's one writer.
    /// </summary>
    public async Task<TokenSet?> IssueTokenSetAsync(WriteCommands commands, Guid installationId, long appId, IReadOnlyList<string> scopes,
        Guid familyId, MintedTokenSet minted, TokenLifetimes lifetimes, CancellationToken ct)
    {
        if (!await TokenStatements.LockLiveInstallationAsync(commands, installationId, ct))
        {
            return null;
        }
        var now = clock.GetUtcNow();
        await TokenStatements.RevokeLiveSetAsync(commands, installationId, now, ct);
        var (set, _) = await TokenStatements.InsertSetAsync(commands, minted, appId, installationId, scopes, familyId, lifetimes, now, ct);
        return set;
    }

    /// <summary>
    /// Exchanges a refresh token for a new set (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2), each
    /// decided in a transaction under the installation's lock: the presented token is marked rotated, its family's access
    /// tokens are revoked, and the new set joins the family. Presenting a rotated token again revokes the family, unless it comes
    /// within <see cref="TokenLifetimes.RefreshReuseGrace"/> of the first rotation and the successor has not been
    /// rotated: then the unused successor set is revoked and a new one issued in its place (a lost response, retried).
    /// </summary>
    public async Task<(RefreshOutcome Outcome, TokenSet? Issued)> RotateRefreshTokenAsync(
        string refreshToken, long appId, Func<IssuedToken, IReadOnlyList<string>?> narrowScopes,
        TokenPrefixes prefixes, TokenLifetimes lifetimes, CancellationToken ct)
    {
        var presented = await reads.SingleOrDefaultAsync(TokenStatements.TokenByHash, TokenCodec.Hash(refreshToken), TokenStatements.ReadToken, ct);
        if (presented is null || presented.Kind != TokenKind.RefreshToken || presented.AppId != appId)
        {
            return (RefreshOutcome.Unknown, null);
        }
        // A first look, without a lock, turns away what changes nothing: those states never change back.
        var verdict = presented.Judge(clock.GetUtcNow(), lifetimes.RefreshReuseGrace);
        if (Final(verdict) is { } final)
        {
            return (final, null);
        }
        var scopes = narrowScopes(presented);
        if (scopes is null && verdict is RefreshVerdict.Rotate or RefreshVerdict.ReplaceSuccessor)
        {
            return (RefreshOutcome.ScopeWidened, null);
        }

        // A rotation, the common case, is hot-path work (on SQLite it shares its commit). Reuse also queues a webhook,
        // which goes through EF Core: found in that work, it changes nothing there, and the same step runs again in an
        // EF Core transaction, which revokes the family if it still finds reuse under the lock.
        var minted = MintedTokenSet.Mint(prefixes, withRefreshToken: true);
        var step = await transactions.RunAsync((commands, ct) => RotateLockedAsync(commands, presented, scopes, minted, lifetimes, ct), ct);
        if (!step.FamilyMustGo)
        {
            return (step.Outcome, step.Issued);
        }
        // Once reuse is found, the request's end no longer stops it: a client that hangs up must not save the family.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(CancellationToken.None) : null;
        var joined = WriteCommands.Joining(db);
        step = await RotateLockedAsync(joined, presented, scopes, minted, lifetimes, CancellationToken.None);
        if (step.FamilyMustGo)
        {
            // RFC 9700 §4.14.2: the presented token is in two hands, so the whole family goes.
            await TokenStatements.RevokeFamilyAsync(joined, presented.InstallationId, presented.FamilyId, clock.GetUtcNow(), CancellationToken.None);
            await webhooks.RefreshTokenReuseDetectedAsync(presented, CancellationToken.None);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        if (transaction is not null)
        {
            await transaction.CommitAsync(CancellationToken.None);
        }
        return (step.Outcome, step.Issued);
    }

    /// <summary>What a refresh did under the installation's lock; when <see cref="FamilyMustGo"/>, it found reuse and changed nothing.</summary>
    private readonly record struct RotationStep(RefreshOutcome Outcome, TokenSet? Issued = null, bool FamilyMustGo = false);

    /// <summary>A refresh's work under the installation's lock, in the caller's write transaction.</summary>
    private async Task<RotationStep> RotateLockedAsync(WriteCommands commands, IssuedToken firstLook, IReadOnlyList<string>? scopes,
        MintedTokenSet minted, TokenLifetimes lifetimes, CancellationToken ct)
    {
        if (!await TokenStatements.LockLiveInstallationAsync(commands, firstLook.InstallationId, ct))
        {
            // Uninstalled since the first look: the uninstall has revoked this token too.
            return new(RefreshOutcome.Revoked);
        }
        // Under the lock nothing else issues to this installation, so the row as read now is the one to act on: a
        // parallel request that rotated it first has committed, and this one is judged as presenting a rotated token.
        // No row: deleted with its app since the first look.
        if (await TokenStatements.TokenByIdAsync(commands, firstLook.Id, ct) is not { } presented)
        {
            return new(RefreshOutcome.Revoked);
        }
        var now = clock.GetUtcNow();
        var verdict = presented.Judge(now, lifetimes.RefreshReuseGrace);
        if (Final(verdict) is { } changed)
        {
            return new(changed);
        }
        if (verdict is RefreshVerdict.Reuse or RefreshVerdict.ReplacedReuse)
        {
            return Reuse(verdict);
        }
        // Rotated now, or (within the grace) keeping its first rotation's time, so retries do not stretch the grace.
        // Conditional, so that a token revoked under this lock is never marked rotated; every revoker takes the lock too.
        if (!await TokenStatements.MarkRotatedAsync(commands, presented.Id, now, ct))
        {
            return new(RefreshOutcome.Revoked);
        }
        // Within the grace, the successor is replaced only while unused; once rotated, the token presented now is reused.
        if (verdict is RefreshVerdict.ReplaceSuccessor
            && !(presented.ReplacedById is { } successor && await TokenStatements.RevokeIfUnusedAsync(commands, successor, now, ct)))
        {
            return Reuse(RefreshVerdict.Reuse);
        }
        await TokenStatements.RevokeFamilyAccessTokensAsync(commands, presented.InstallationId, presented.FamilyId, now, ct);
        var (issued, successorId) = await TokenStatements.InsertSetAsync(commands, minted, presented.AppId, presented.InstallationId, scopes!, presented.FamilyId, lifetimes, now, ct);
        // The presented token, and the successor it just replaced, name the new refresh token as what took their place.
        await TokenStatements.NameSuccessorAsync(commands, successorId!.Value, presented.Id,
            verdict is RefreshVerdict.ReplaceSuccessor ? presented.ReplacedById : null, ct);
        return new(RefreshOutcome.Rotated, issued);

        static RotationStep Reuse(RefreshVerdict verdict) => new(
            verdict is RefreshVerdict.ReplacedReuse ? RefreshOutcome.ReplacedReuseDetected : RefreshOutcome.ReuseDetected, FamilyMustGo: true);
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
    /// Revokes every live token of a family in a write transaction of its own: an invalidated token's set (Fillout's
    /// <c>DELETE /v1/api/oauth/invalidate</c>).
    /// </summary>
    public Task RevokeFamilyAsync(Guid installationId, Guid familyId, CancellationToken ct) =>
        transactions.RunAsync((commands, ct) => RevokeFamilyAsync(commands, installationId, familyId, ct), ct);

    /// <summary>
    /// Revokes every live token of a family, in the caller's write transaction: what a replayed code issued. It takes the
    /// installation's lock first, in the order every writer takes them (code, installation, tokens), so it cannot deadlock
    /// with a rotation of the same family. False when none was live.
    /// </summary>
    public async Task<bool> RevokeFamilyAsync(WriteCommands commands, Guid installationId, Guid familyId, CancellationToken ct)
    {
        // Not live: the uninstall already revoked every token of the installation, and the update finds none.
        await TokenStatements.LockLiveInstallationAsync(commands, installationId, ct);
        return await TokenStatements.RevokeFamilyAsync(commands, installationId, familyId, clock.GetUtcNow(), ct);
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
        var commands = WriteCommands.Joining(db);
        if (!await TokenStatements.LockLiveInstallationAsync(commands, row.InstallationId, ct))
        {
            // Uninstalled: the uninstall revoked every token of the installation.
            return;
        }
        var now = clock.GetUtcNow();
        var revoked = row.Kind == TokenKind.RefreshToken
            ? await TokenStatements.RevokeFamilyAsync(commands, row.InstallationId, row.FamilyId, now, ct)
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
