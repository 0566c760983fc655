using Latchkey.Tokens;

namespace Latchkey.Sessions;

/// <summary>The outcome of a Bearer check: the live access token, or the error to challenge with.</summary>
public sealed record BearerResult(TokenRecord? Token, BearerError? Error)
{
    public static implicit operator BearerResult(TokenRecord token) => new(token, null);
    public static implicit operator BearerResult(BearerError error) => new(null, error);
}

/// <summary>An RFC 6750 §3 challenge. <see cref="Code"/> is null when no credentials came at all (§3.1: no error code then).</summary>
public sealed record BearerError(int Status, string? Code, string Description)
{
    public const string Realm = "latchkey";

    public static readonly BearerError Missing = new(StatusCodes.Status401Unauthorized, null,
        "Send an access token: Authorization: Bearer <access token>.");

    /// <summary>RFC 6750 §3.1: a malformed request, 400.</summary>
    public static BearerError InvalidRequest(string description) => new(StatusCodes.Status400BadRequest, "invalid_request", description);

    /// <summary>RFC 6750 §3.1: expired, revoked, malformed or otherwise invalid, 401.</summary>
    public static BearerError InvalidToken(string description) => new(StatusCodes.Status401Unauthorized, "invalid_token", description);

    /// <summary>The <c>WWW-Authenticate</c> value (RFC 6750 §3). Descriptions are written ASCII without quotes, as §3 requires.</summary>
    public string Challenge => Code is null
        ? $"Bearer realm=\"{Realm}\""
        : $"Bearer realm=\"{Realm}\", error=\"{Code}\", error_description=\"{Description}\"";
}

/// <summary>
/// Checks an access token presented as an RFC 6750 Bearer credential, for any endpoint that serves
/// apps: the <c>Authorization</c> header only (or Onboardbase's <c>API_KEY</c> header), a well-formed
/// access token of any profile, one lookup by hash, live token, live installation, active app. Refresh
/// tokens are refused: RFC 6749 §1.5 keeps them between the client and this server.
/// </summary>
public sealed class BearerTokenValidator(TokenLookup tokens, TimeProvider clock)
{
    /// <summary>
    /// Onboardbase clients send their API key as <c>API_KEY: &lt;key&gt;</c> (seed 003, FACTS.md "Onboardbase").
    /// The key is an access token, so the header is one more way to carry it, checked exactly like Bearer.
    /// </summary>
    public const string ApiKeyHeader = "API_KEY";

    private const string TokenParameter = "access_token";

    /// <summary>The live access token the request carries, and its use recorded (<see cref="TokenLookup.RecordUseAsync"/>).</summary>
    public async Task<BearerResult> ValidateAsync(HttpRequest request, CancellationToken ct)
    {
        var result = await CheckAsync(request, ct);
        if (result.Token is { } token)
        {
            await tokens.RecordUseAsync(token, ct);
        }
        return result;
    }

    /// <summary>
    /// The checks of <see cref="ValidateAsync"/> without recording a use, for an endpoint that may still refuse a
    /// live token (<c>FubRevokeAccess</c>: another system's token): a refused request must not count as a use.
    /// RFC 6750 §2: of the three ways to send a token only the header (§2.1) is supported. §2.3 (the query)
    /// puts tokens in logs and histories; §2.2 (the form body) is rarely used and a MAY. A token sent either
    /// way is refused as invalid_request (§3.1: an unsupported parameter), not silently ignored.
    /// </summary>
    public async Task<BearerResult> CheckAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.Query.ContainsKey(TokenParameter) || await FormHasTokenAsync(request, ct))
        {
            return BearerError.InvalidRequest("Send the access token in the Authorization header as Bearer; tokens in the query string or the form body are not accepted.");
        }
        var authorization = request.Headers.Authorization.ToString();
        if (request.Headers.TryGetValue(ApiKeyHeader, out var apiKey))
        {
            // RFC 6750 §2: a token travels one way per request, never two.
            if (authorization.Length > 0 || apiKey.Count != 1 || string.IsNullOrWhiteSpace(apiKey))
            {
                return BearerError.InvalidRequest("Send the token once: either Authorization: Bearer <access token> or API_KEY: <api key>.");
            }
            authorization = "Bearer " + apiKey;
        }
        return await CheckHeaderAsync(authorization, ct);
    }

    /// <summary>RFC 6750 §2.1 and §3: checks the <c>Authorization</c> header's value.</summary>
    private async Task<BearerResult> CheckHeaderAsync(string? authorization, CancellationToken ct)
    {
        // RFC 9110 §11.1: the scheme is case-insensitive. No header, or another scheme, is no Bearer credential at all.
        if (string.IsNullOrEmpty(authorization)
            || !(authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Equals("Bearer", StringComparison.OrdinalIgnoreCase)))
        {
            return BearerError.Missing;
        }
        var token = authorization["Bearer".Length..].Trim();
        if (token.Length == 0 || token.Contains(' ', StringComparison.Ordinal))
        {
            return BearerError.InvalidRequest("The Authorization header must be: Bearer <access token>.");
        }
        var record = await tokens.FindAsync(token, TokenKind.AccessToken, ct);
        if (record is null)
        {
            return BearerError.InvalidToken("The access token is not one this server issued. Refresh tokens are not accepted as Bearer tokens.");
        }
        if (record.WhyInactiveAt(clock.GetUtcNow()) is { } why)
        {
            return BearerError.InvalidToken(why);
        }
        return record;
    }

    private static async Task<bool> FormHasTokenAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            return false;
        }
        try
        {
            return (await request.ReadFormAsync(ct)).ContainsKey(TokenParameter);
        }
        catch (InvalidDataException)
        {
            // A body that is no valid form carries no token; the endpoint deals with its body itself.
            return false;
        }
    }
}
