using Latchkey.Apps;
using Latchkey.Profiles;
using Latchkey.Storage;
using Latchkey.Tokens;

namespace Latchkey.Protocol.Grants;

/// <summary>RFC 6749 §4.1.3: exchange an authorization code for tokens.</summary>
public sealed class AuthorizationCodeGrant(TokenStore tokens, WriteTransactions transactions, ProfilePolicies profiles) : IGrant
{
    /// <summary>The one error a profile may need to tell apart from other invalid_grant ones (Onboardbase's auth_code_expired, seed 003).</summary>
    public static readonly OAuthError CodeExpired = OAuthError.InvalidGrant("The code has expired; start the authorization again.");

    public string GrantType => "authorization_code";

    public async Task<GrantResult> ExecuteAsync(TokenRequest request, CancellationToken ct)
    {
        var app = request.Client.App;
        var parameters = request.Parameters;
        var policy = profiles.For(app.Profile);
        if (parameters["code"] is not { } code)
        {
            return OAuthError.InvalidRequest("The code parameter is missing.");
        }
        if (!TokenCodec.IsWellFormed(code, policy.Prefixes.AuthorizationCode))
        {
            return OAuthError.InvalidGrant("The code is not one this server issued.");
        }

        // One transaction from burning the code to issuing its tokens. A parallel redemption's conditional
        // UPDATE waits for it to commit, so that replay's revocation sees, and revokes, what this one issued
        // (DESIGN.md rule 3). Committed whatever the outcome: a failed check leaves the code burned. A caller's
        // transaction is joined instead, for a profile that stores more with the tokens (Onboardbase's passphrase).
        var minted = MintedTokenSet.Mint(policy.Prefixes, policy.IssuesRefreshTokens);
        return await transactions.RunAsync((commands, ct) => RedeemAsync(commands, app, code, parameters, policy, minted, ct), ct);
    }

    private async Task<GrantResult> RedeemAsync(WriteCommands commands, App app, string code, OAuthParameters parameters,
        ProfilePolicy policy, MintedTokenSet minted, CancellationToken ct)
    {
        // Burn first, check after: a redemption that fails any check below cannot be retried (DESIGN.md rule 3).
        var (consumption, row) = await tokens.TryConsumeCodeAsync(commands, code, ct);
        switch (consumption)
        {
            case CodeConsumption.Unknown:
                return OAuthError.InvalidGrant("The code is not one this server issued.");
            case CodeConsumption.Replayed:
                // RFC 6749 §4.1.2: a code used twice revokes what its first use issued.
                await tokens.RevokeFamilyAsync(commands, row!.InstallationId, row.FamilyId, ct);
                return OAuthError.InvalidGrant("The code was already used; the tokens issued for it have been revoked.");
            case CodeConsumption.Expired:
                return CodeExpired;
        }
        var issued = row!;
        if (issued.AppId != app.Id)
        {
            return OAuthError.InvalidGrant("The code was issued to another client.");
        }
        if (RedirectUriMismatch(issued.RedirectUri, parameters["redirect_uri"], app.RedirectUris) is { } redirectError)
        {
            return redirectError;
        }
        if (PkceFailure(issued.CodeChallenge, parameters["code_verifier"]) is { } pkceError)
        {
            return pkceError;
        }
        return await tokens.IssueTokenSetAsync(commands, issued.InstallationId, issued.AppId, issued.Scopes, issued.FamilyId,
                minted, policy.Lifetimes, ct) is { } set
            ? set
            : OAuthError.InvalidGrant("The app was uninstalled after this code was issued.");
    }

    /// <summary>RFC 6749 §4.1.3: identical to the authorization request's redirect_uri when that had one.</summary>
    private static OAuthError? RedirectUriMismatch(string? authorized, string? presented, IReadOnlyList<string> registered) =>
        (authorized, presented) switch
        {
            ({ } a, { } p) when string.Equals(a, p, StringComparison.Ordinal) => null,
            ({ }, null) => OAuthError.InvalidGrant("redirect_uri is required: the authorization request had one."),
            ({ }, { }) => OAuthError.InvalidGrant("redirect_uri differs from the one in the authorization request."),
            (null, { } p) when !registered.Contains(p, StringComparer.Ordinal) => OAuthError.InvalidGrant("redirect_uri is not registered for this client."),
            _ => null,
        };

    /// <summary>RFC 7636 §4.6, and no downgrade either way (DESIGN.md rule 2, RFC 9700 §4.8.2).</summary>
    private static OAuthError? PkceFailure(string? challenge, string? verifier) => (challenge, verifier) switch
    {
        (null, null) => null,
        (null, { }) => OAuthError.InvalidGrant("code_verifier was sent, but the authorization request had no code_challenge."),
        ({ }, null) => OAuthError.InvalidGrant("code_verifier is required: the authorization request had a code_challenge."),
        ({ } c, { } v) when !Pkce.IsValidVerifier(v) || !Pkce.Matches(v, c) => OAuthError.InvalidGrant("code_verifier does not match the code_challenge."),
        _ => null,
    };
}
