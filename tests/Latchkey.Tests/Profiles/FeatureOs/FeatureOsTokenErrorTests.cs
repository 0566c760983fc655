using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;

namespace Latchkey.Tests.Profiles.FeatureOs;

/// <summary>
/// The token exchange's error cases for a FeatureOS app (issue 6, "Done when"). FeatureOS exchanges codes at the
/// standard <c>POST /oauth/token</c>, so the errors are RFC 6749 §5.2's <c>{error, error_description}</c>. Each
/// changes nothing (DESIGN.md rule 8) beyond what rule 3 demands: a misused code is burned, a replayed one
/// takes its tokens with it. Where the code survives, the same code still redeems afterwards.
/// </summary>
public sealed class FeatureOsTokenErrorTests(FeatureOsServer fixture) : IClassFixture<FeatureOsServer>
{
    private LatchkeyTestServer Server => fixture.Server;

    private async Task<(RegisteredFeatureOsApp App, string Code)> ConsentedAsync()
    {
        var developer = await Server.SignedInAsync(OrganizationRole.Admin);
        var app = await developer.RegisterAppAsync();
        var user = await Server.SignedInAsync(OrganizationRole.Admin);
        return (app, await user.ApproveAsync(app.ClientId, "self"));
    }

    private Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response)> TokenAsync(
        params (string Key, string Value)[] fields) =>
        Server.CreateClient().ExchangeAsync(OAuthClient.Form("/oauth/token", fields.Select(f => KeyValuePair.Create(f.Key, f.Value))));

    /// <summary>Each row: what is wrong, the status and error, and whether the code is still good afterwards.</summary>
    public static TheoryData<string, HttpStatusCode, string, bool> Refusals => new()
    {
        { "wrong code", HttpStatusCode.BadRequest, "invalid_grant", true },
        { "mistyped code", HttpStatusCode.BadRequest, "invalid_grant", true },
        { "code of another profile", HttpStatusCode.BadRequest, "invalid_grant", true },
        { "wrong secret", HttpStatusCode.Unauthorized, "invalid_client", true },
        { "no secret", HttpStatusCode.Unauthorized, "invalid_client", true },
        { "missing code", HttpStatusCode.BadRequest, "invalid_request", true },
        { "missing grant_type", HttpStatusCode.BadRequest, "invalid_request", true },
        { "unknown grant_type", HttpStatusCode.BadRequest, "unsupported_grant_type", true },
        { "duplicated code", HttpStatusCode.BadRequest, "invalid_request", true },
        { "wrong redirect URI", HttpStatusCode.BadRequest, "invalid_grant", false },
        { "missing redirect URI", HttpStatusCode.BadRequest, "invalid_grant", false },
    };

    [Theory, MemberData(nameof(Refusals))]
    public async Task Exchange_Refused_AnswersRfcError_AndChangesNothing(string wrong, HttpStatusCode status, string error, bool codeSurvives)
    {
        var (app, code) = await ConsentedAsync();
        (string, string)[] good = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", FeatureOsKit.Callback),
            ("client_id", app.ClientId), ("client_secret", app.ClientSecret)];
        var fields = wrong switch
        {
            "wrong code" => Replace(good, "code", TokenCodec.Mint(TokenPrefixes.FeatureOs.AuthorizationCode)),
            "mistyped code" => Replace(good, "code", code[..^1] + (code[^1] == 'a' ? 'b' : 'a')),
            "code of another profile" => Replace(good, "code", "lkc_" + code[5..]),
            "wrong secret" => Replace(good, "client_secret", app.ClientSecret[..^2] + "xx"),
            "no secret" => good.Where(f => f.Item1 != "client_secret").ToArray(),
            "missing code" => good.Where(f => f.Item1 != "code").ToArray(),
            "missing grant_type" => good.Where(f => f.Item1 != "grant_type").ToArray(),
            "unknown grant_type" => Replace(good, "grant_type", "auth_code"),
            "duplicated code" => [.. good, ("code", code)],
            "wrong redirect URI" => Replace(good, "redirect_uri", "https://myapp.example/other"),
            "missing redirect URI" => good.Where(f => f.Item1 != "redirect_uri").ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(wrong), wrong, null),
        };
        var before = await Server.StateAsync(app.ClientId);

        var (actualStatus, body, response) = await TokenAsync(fields);

        using (response)
        {
            Assert.Equal(status, actualStatus);
            Assert.True(response.Headers.CacheControl?.NoStore);
        }
        Assert.Equal(["error", "error_description"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(error, body.GetProperty("error").GetString());
        var after = await Server.StateAsync(app.ClientId);
        // Rule 3: a redemption that fails a check after the code was found burns it; nothing else moves.
        Assert.Equal(codeSurvives ? before : before with { ConsumedCodes = before.ConsumedCodes + 1 }, after);
        var (retryStatus, _, retry) = await TokenAsync(good);
        retry.Dispose();
        Assert.Equal(codeSurvives ? HttpStatusCode.OK : HttpStatusCode.BadRequest, retryStatus);
    }

    /// <summary>DESIGN.md rule 3: the second redemption fails and revokes what the first issued, and issues nothing.</summary>
    [Fact]
    public async Task Exchange_ReusedCode_IsInvalidGrant_AndRevokesTheFirstTokens()
    {
        var (app, code) = await ConsentedAsync();
        var (access, _) = await Server.TokensAsync(app.ClientId, app.ClientSecret, code);
        var before = await Server.StateAsync(app.ClientId);

        var (status, body, response) = await Server.ExchangeCodeAsync(app.ClientId, app.ClientSecret, code);
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal(before with { LiveTokens = 0 }, await Server.StateAsync(app.ClientId));
        using var session = await Server.SessionInfoAsync(access);
        await session.AssertFeatureOsErrorAsync(HttpStatusCode.Unauthorized);
    }

    /// <summary>Seed 004, "Lifetimes": a code lives 5 minutes.</summary>
    [Fact]
    public async Task Exchange_CodeOlderThanFiveMinutes_IsInvalidGrant_AndIssuesNothing()
    {
        var (app, code) = await ConsentedAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var before = await Server.StateAsync(app.ClientId);

        var (status, body, response) = await Server.ExchangeCodeAsync(app.ClientId, app.ClientSecret, code);
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Contains("expired", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        var after = await Server.StateAsync(app.ClientId);
        Assert.Equal((before.Tokens, before.LiveTokens), (after.Tokens, after.LiveTokens));
    }

    [Fact]
    public async Task Exchange_CodeJustUnderFiveMinutes_Works()
    {
        var (app, code) = await ConsentedAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));

        var (access, _) = await Server.TokensAsync(app.ClientId, app.ClientSecret, code);

        Assert.StartsWith("foot_", access, StringComparison.Ordinal);
    }

    private static (string, string)[] Replace((string, string)[] fields, string name, string value) =>
        [.. fields.Select(f => f.Item1 == name ? (name, value) : f)];
}
