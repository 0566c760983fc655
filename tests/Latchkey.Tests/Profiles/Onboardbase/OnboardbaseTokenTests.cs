using System.Net.Http.Headers;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Latchkey.Tests.Protocol;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;
using static Latchkey.Tests.Profiles.Onboardbase.OnboardbaseKit;

namespace Latchkey.Tests.Profiles.Onboardbase;

/// <summary>
/// Seed 003's token request, <c>POST /oauth/token?…</c> with no body: its error table with the seed's numeric codes,
/// each failure changing nothing; the API key and passphrase after issuance; and the standard token endpoint
/// still serving RFC 6749 clients of Onboardbase apps, and refusing query strings for every other app.
/// </summary>
public sealed class OnboardbaseTokenTests(OnboardbaseServer shared) : IClassFixture<OnboardbaseServer>
{
    private static readonly string[] SeedScopes = ["read.secrets", "read.projects"];

    private LatchkeyTestServer Server => shared.Server;

    /// <summary>An app made over the API, and a code for it as a user's consent (in their own organization) leaves it.</summary>
    private async Task<(OnboardbaseApp App, string Code)> AuthorizedAsync()
    {
        var app = await Server.CreateAppOverApiAsync();
        var org = await Server.OrganizationAsync();
        var user = await Server.UserAsync($"{Guid.NewGuid():N}@example.com", PortalBrowser.Password, org.Id);
        var entity = (await Server.FindAsync(app.ClientId))!;
        return (app, (await Server.CodeAsync(entity, org.Id, user.Id, RedirectUrl, SeedScopes)).Code);
    }

    private async Task<string> ApiKeyAsync(OnboardbaseApp app, string code)
    {
        using var http = Server.CreateClient();
        var (status, body, _) = await http.PostTokenAsync(TokenUrl(app, code));
        Assert.Equal(HttpStatusCode.Created, status);
        return body.GetProperty("data").GetProperty("api_key").GetString()!;
    }

    /// <summary>Seed 003's "Error Codes" table, in full.</summary>
    [Fact]
    public void ErrorCodes_AreTheSeedsTable()
    {
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["invalid_request"] = 1000, ["unauthorized_client"] = 1100, ["access_denied"] = 1200, ["unsupported_response_type"] = 1300,
                ["invalid_scope"] = 1400, ["server_error"] = 1500, ["temporarily_unavailable"] = 1600, ["invalid_code"] = 1700, ["auth_code_expired"] = 1800,
            },
            Latchkey.Profiles.Onboardbase.OnboardbaseError.Codes);
    }

    [Theory]
    [InlineData("unknown code", HttpStatusCode.BadRequest, "invalid_code", 1700, true)]
    [InlineData("garbage code", HttpStatusCode.BadRequest, "invalid_code", 1700, true)]
    [InlineData("wrong redirect_uri", HttpStatusCode.BadRequest, "invalid_code", 1700, false)]
    [InlineData("wrong secret", HttpStatusCode.Unauthorized, "unauthorized_client", 1100, true)]
    [InlineData("no secret", HttpStatusCode.Unauthorized, "unauthorized_client", 1100, true)]
    [InlineData("unknown client", HttpStatusCode.Unauthorized, "unauthorized_client", 1100, true)]
    [InlineData("no client", HttpStatusCode.Unauthorized, "unauthorized_client", 1100, true)]
    [InlineData("missing code", HttpStatusCode.BadRequest, "invalid_request", 1000, true)]
    [InlineData("missing redirect_uri", HttpStatusCode.BadRequest, "invalid_request", 1000, true)]
    [InlineData("missing grant_type", HttpStatusCode.BadRequest, "invalid_request", 1000, true)]
    [InlineData("grant_type refresh_token", HttpStatusCode.BadRequest, "invalid_request", 1000, true)]
    [InlineData("grant_type client_credentials", HttpStatusCode.BadRequest, "invalid_request", 1000, true)]
    [InlineData("code sent twice", HttpStatusCode.BadRequest, "invalid_request", 1000, true)]
    [InlineData("a body", HttpStatusCode.BadRequest, "invalid_request", 1000, true)]
    public async Task Failure_AnswersTheSeedsShape_AndChangesNothing(string scenario, HttpStatusCode status, string message, int code, bool codeSurvives)
    {
        var (app, realCode) = await AuthorizedAsync();
        var good = TokenUrl(app, realCode);
        var (url, body) = scenario switch
        {
            "unknown code" => (TokenUrl(app, TokenCodec.Mint("lkc_")), null),
            "garbage code" => (TokenUrl(app, "AUTH_CODE"), null),
            "wrong redirect_uri" => (TokenUrl(app, realCode, "https://google.com/other"), null),
            "wrong secret" => (good.Replace(app.ClientSecret, TokenCodec.Mint("lksec_"), StringComparison.Ordinal), null),
            "no secret" => (good.Replace($"&client_secret={app.ClientSecret}", "", StringComparison.Ordinal), null),
            "unknown client" => (good.Replace(app.ClientId, TokenCodec.Mint("lkapp_"), StringComparison.Ordinal), null),
            "no client" => (good.Replace($"client_id={app.ClientId}&", "", StringComparison.Ordinal), null),
            "missing code" => (good.Replace($"&code={realCode}", "", StringComparison.Ordinal), null),
            "missing redirect_uri" => (good.Replace($"&redirect_uri={RedirectUrl}", "", StringComparison.Ordinal), null),
            "missing grant_type" => (good.Replace("&grant_type=authorization_code", "", StringComparison.Ordinal), null),
            "grant_type refresh_token" => (good.Replace("authorization_code", "refresh_token", StringComparison.Ordinal), null),
            "grant_type client_credentials" => (good.Replace("authorization_code", "client_credentials", StringComparison.Ordinal), null),
            "code sent twice" => (good + "&code=" + realCode, null),
            "a body" => (good, new FormUrlEncodedContent([new("code", realCode)])),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };
        using var http = Server.CreateClient();

        var result = await http.PostTokenAsync(url, body);

        AssertFailure(result, status, message, code);
        if (status == HttpStatusCode.Unauthorized)
        {
            Assert.StartsWith("Basic", result.Response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal(0, await Server.TokenCountAsync(app.Id));
        var retry = await http.PostTokenAsync(good);
        if (codeSurvives)
        {
            Assert.Equal(HttpStatusCode.Created, retry.Status);
        }
        else
        {
            // DESIGN.md rule 3: a redemption that fails a check burns the code.
            AssertFailure(retry, HttpStatusCode.BadRequest, "invalid_code", 1700);
        }
    }

    [Fact]
    public async Task ReusedCode_IsInvalidCode_AndRevokesTheKeyItsFirstUseIssued()
    {
        var (app, code) = await AuthorizedAsync();
        var apiKey = await ApiKeyAsync(app, code);
        using var http = Server.CreateClient();

        AssertFailure(await http.PostTokenAsync(TokenUrl(app, code)), HttpStatusCode.BadRequest, "invalid_code", 1700);

        using var session = await http.SessionWithApiKeyAsync(apiKey);
        Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
        Assert.Equal(1, await Server.TokenCountAsync(app.Id));
    }

    [Fact]
    public async Task ExpiredCode_IsAuthCodeExpired_AndIssuesNothing()
    {
        var (app, code) = await AuthorizedAsync();
        shared.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        using var http = Server.CreateClient();

        AssertFailure(await http.PostTokenAsync(TokenUrl(app, code)), HttpStatusCode.BadRequest, "auth_code_expired", 1800);

        Assert.Equal(0, await Server.TokenCountAsync(app.Id));
    }

    [Fact]
    public async Task QueryStringRequest_ForAnAppOfAnotherProfile_MeetsTheStandardRefusal()
    {
        var org = await Server.OrganizationAsync();
        var user = await Server.UserAsync($"{Guid.NewGuid():N}@example.com", PortalBrowser.Password, org.Id);
        var created = await Server.AppAsync(org.Id, new Latchkey.Apps.AppDraft
        {
            Name = "Standard", RedirectUris = [RedirectUrl], Profile = Latchkey.Profiles.ProfileName.Standard,
        });
        var (_, code) = await Server.CodeAsync(created.App, org.Id, user.Id, RedirectUrl);
        var app = new OnboardbaseApp(created.App.Id, created.App.ClientId, created.Secret!.Plaintext);
        using var http = Server.CreateClient();

        var (status, body, _) = await http.PostTokenAsync(TokenUrl(app, code));

        // RFC 6749 §3.2: secrets in a query string are refused, in the RFC's shape.
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.Equal(0, await Server.TokenCountAsync(app.Id));
        var (retry, _, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", RedirectUrl)], (app.ClientId, app.ClientSecret)));
        Assert.Equal(HttpStatusCode.OK, retry);
    }

    [Fact]
    public async Task StandardClient_OnAnOnboardbaseApp_GetsAnRfcAnswer_WithoutRefreshToken()
    {
        var (app, code) = await AuthorizedAsync();
        using var http = Server.CreateClient();

        var (status, body, response) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", RedirectUrl)], (app.ClientId, app.ClientSecret)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal(["access_token", "token_type", "expires_in", "scope"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal((long)TimeSpan.FromDays(90).TotalSeconds, body.GetProperty("expires_in").GetInt64());
        Assert.Equal("read.secrets read.projects", body.GetProperty("scope").GetString());
        using var session = await http.SessionAsync(body.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
    }

    [Fact]
    public async Task ApiKeyHeader_BesideAnAuthorizationHeader_Is400()
    {
        var (app, code) = await AuthorizedAsync();
        var apiKey = await ApiKeyAsync(app, code);
        using var http = Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/session");
        request.Headers.Add("API_KEY", apiKey);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HYNC7RYK6CK9YPB4WEFUJ9")]
    [InlineData("lkat_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task ApiKeyHeader_WithAKeyThisServerNeverIssued_Is401(string apiKey)
    {
        using var http = Server.CreateClient();

        using var response = await http.SessionWithApiKeyAsync(apiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Introspection_WithThePassphrase_IsActiveOnlyWhenItMatches()
    {
        var (app, code) = await AuthorizedAsync();
        using var http = Server.CreateClient();
        var (_, issued, _) = await http.PostTokenAsync(TokenUrl(app, code));
        var apiKey = issued.GetProperty("data").GetProperty("api_key").GetString()!;
        var passphrase = issued.GetProperty("data").GetProperty("passphrase").GetString()!;
        var resourceServer = await Server.ResourceServerAsync();

        async Task<bool> ActiveAsync(params (string Key, string Value)[] extra)
        {
            var (status, body, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/introspect",
                [new("token", apiKey), .. extra.Select(e => KeyValuePair.Create(e.Key, e.Value))], resourceServer));
            Assert.Equal(HttpStatusCode.OK, status);
            return body.GetProperty("active").GetBoolean();
        }

        Assert.True(await ActiveAsync());
        Assert.True(await ActiveAsync(("passphrase", passphrase)));
        Assert.False(await ActiveAsync(("passphrase", TokenCodec.Mint(TokenPassphrases.Prefix))));
        Assert.False(await ActiveAsync(("passphrase", "KNHRYpG6q")));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ConfiguredLifetime_SetsExpiresIn_AndThePassphraseHashIsStoredWithTheKey(DatabaseKind kind)
    {
        var clock = new ManualClock();
        await using var server = await StartAsync(kind, clock, ("Latchkey:Onboardbase:ApiKeyLifetime", "7.00:00:00"));
        var app = await server.CreateAppOverApiAsync();
        var org = await server.OrganizationAsync();
        var user = await server.UserAsync("ada@example.com", PortalBrowser.Password, org.Id);
        var (_, code) = await server.CodeAsync((await server.FindAsync(app.ClientId))!, org.Id, user.Id, RedirectUrl, SeedScopes);
        using var http = server.CreateClient();

        var (status, body, _) = await http.PostTokenAsync(TokenUrl(app, code));

        Assert.Equal(HttpStatusCode.Created, status);
        var data = body.GetProperty("data");
        Assert.Equal(clock.GetUtcNow().AddDays(7).ToUnixTimeSeconds(), data.GetProperty("expires_in").GetInt64());
        var row = await server.WithDbAsync(db => db.Tokens.AsNoTracking().SingleAsync(t => t.AppId == app.Id));
        Assert.Equal(TokenCodec.Hash(data.GetProperty("api_key").GetString()!), row.Hash);
        Assert.Equal(TokenCodec.Hash(data.GetProperty("passphrase").GetString()!), row.PassphraseHash);
        Assert.Equal(clock.GetUtcNow().AddDays(7), row.ExpiresAt);
        clock.Advance(TimeSpan.FromDays(7));
        using var expired = await http.SessionWithApiKeyAsync(data.GetProperty("api_key").GetString()!);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task NonPositiveLifetime_StopsTheServerFromStarting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() =>
            StartAsync(DatabaseKind.Sqlite, TimeProvider.System, ("Latchkey:Onboardbase:ApiKeyLifetime", "00:00:00")));

        Assert.Contains("ApiKeyLifetime", failure.ToString(), StringComparison.Ordinal);
    }
}
