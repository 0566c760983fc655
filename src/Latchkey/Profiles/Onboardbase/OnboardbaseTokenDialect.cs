using Latchkey.Configuration;
using Latchkey.Protocol;
using Latchkey.Protocol.Token;
using Latchkey.Storage;
using Latchkey.Tokens;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Latchkey.Profiles.Onboardbase;

/// <summary>
/// Seed 003, "Requesting for an Access API Key With an Auth Code":
/// <c>POST /oauth/token?client_id&amp;client_secret&amp;grant_type=authorization_code&amp;code&amp;redirect_uri</c>
/// with an empty body, answered 201 with an API key and its passphrase. Only for Onboardbase apps: every other
/// app's query-string request meets the standard endpoint's refusal (RFC 6749 §2.3.1).
/// </summary>
public sealed class OnboardbaseTokenDialect(LatchkeyDbContext db, TokenFlow flow, TokenPassphrases passphrases, IOptions<LatchkeyOptions> options)
    : ITokenDialect
{
    private const string GrantType = "authorization_code";

    /// <summary>The seed says redirect_uri "must be assigned". client_id and client_secret are the flow's to check (RFC 6749 §2.3).</summary>
    private static readonly string[] Required = ["grant_type", "code", "redirect_uri"];

    /// <summary>
    /// A request whose client_id names an Onboardbase app; on an Onboardbase deployment also one whose client_id
    /// names no app (missing or unknown), so that a client written from the seed gets the seed's error shape there.
    /// </summary>
    public async Task<bool> ClaimsAsync(HttpRequest request, CancellationToken ct)
    {
        var clientId = request.Query["client_id"] is { Count: 1 } single ? single.ToString() : null;
        var profile = clientId is null ? null
            : await db.Apps.AsNoTracking().Where(a => a.ClientId == clientId).Select(a => (ProfileName?)a.Profile).SingleOrDefaultAsync(ct);
        return profile == ProfileName.Onboardbase || (profile is null && options.Value.Profile == ProfileName.Onboardbase);
    }

    public async Task<IResult> HandleAsync(HttpContext http, CancellationToken ct)
    {
        OAuthHttp.NoStore(http.Response);
        var (parameters, error) = ReadQuery(http.Request);
        if (error is not null)
        {
            return Failure(http.Response, error);
        }
        // One transaction from burning the code to storing the passphrase's hash, so a key is never committed
        // without its passphrase. Committed whatever the outcome, as the grant does: a failed check leaves the
        // code burned (DESIGN.md rule 3).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await flow.RunAsync(http.Request.Headers.Authorization, parameters!, ct);
        if (result.Tokens is not { } tokens)
        {
            await transaction.CommitAsync(ct);
            return Failure(http.Response, result.Error!);
        }
        var passphrase = await passphrases.AttachAsync(tokens.AccessToken, ct);
        await transaction.CommitAsync(ct);
        var key = new OnboardbaseApiKey(tokens.AccessToken, tokens.AccessTokenExpiresAt!.Value.ToUnixTimeSeconds(), tokens.Scopes, "bearer", passphrase);
        return TypedResults.Json(new OnboardbaseTokenResponse(key, []), statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// Every parameter in the query string, the body empty (FACTS.md: the tutorial's client posts none). A
    /// missing or repeated parameter is refused here, before anything is checked or burned.
    /// </summary>
    private static (OAuthParameters? Parameters, OAuthError? Error) ReadQuery(HttpRequest request)
    {
        if (HasBody(request))
        {
            return (null, OAuthError.InvalidRequest("Send the parameters in the query string, with an empty body."));
        }
        var (parameters, error) = OAuthParameters.From(request.Query);
        if (error is not null)
        {
            return (null, error);
        }
        if (Required.FirstOrDefault(name => parameters![name] is null) is { } missing)
        {
            return (null, OAuthError.InvalidRequest($"The {missing} parameter is missing."));
        }
        return parameters!["grant_type"] == GrantType
            ? (parameters, null)
            : (null, OAuthError.InvalidRequest($"grant_type must be {GrantType}."));
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0
        || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    private static JsonHttpResult<OnboardbaseTokenResponse> Failure(HttpResponse response, OAuthError error)
    {
        OAuthHttp.ChallengeIfUnauthorized(response, error.Status);
        return TypedResults.Json(new OnboardbaseTokenResponse(null, [OnboardbaseError.For(error)]), statusCode: error.Status);
    }
}
