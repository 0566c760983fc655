using System.Net.Http.Headers;
using Latchkey.Apps;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using static Latchkey.Tests.Profiles.Fub.FubKit;

namespace Latchkey.Tests.Profiles.Fub;

/// <summary>
/// <c>GET /oauth/token</c>'s refusals (seed 001 steps 3 and 5, FACTS.md's legacy errors): each answers in FUB's
/// legacy envelope with a fitting status, issues nothing, and leaves the code or refresh token usable, except
/// where DESIGN.md rule 3 burns a code that was misused (wrong redirect URI, another client).
/// </summary>
public sealed class FubTokenErrorTests(FubServer fub) : IClassFixture<FubServer>
{
    private LatchkeyTestServer Server => fub.Server;

    public static TheoryData<string, HttpStatusCode, string, bool> CodeExchangeRefusals => new()
    {
        // case, status, errorCode, whether the code is burned
        { "unknown code", HttpStatusCode.BadRequest, "invalid_grant", false },
        { "malformed code", HttpStatusCode.BadRequest, "invalid_grant", false },
        { "wrong redirect_uri", HttpStatusCode.BadRequest, "invalid_grant", true },
        { "another FUB app's credentials", HttpStatusCode.BadRequest, "invalid_grant", true },
        { "wrong secret", HttpStatusCode.Unauthorized, "invalid_client", false },
        { "unknown client", HttpStatusCode.Unauthorized, "invalid_client", false },
        { "no Authorization header", HttpStatusCode.Unauthorized, "invalid_client", false },
        { "Bearer instead of Basic", HttpStatusCode.Unauthorized, "invalid_client", false },
        { "client_id and client_secret in the query", HttpStatusCode.BadRequest, "invalid_request", false },
        { "client_secret in the query beside Basic", HttpStatusCode.BadRequest, "invalid_request", false },
        { "no grant_type", HttpStatusCode.BadRequest, "invalid_request", false },
        { "no code", HttpStatusCode.BadRequest, "invalid_request", false },
        { "no redirect_uri", HttpStatusCode.BadRequest, "invalid_request", false },
        { "code sent twice", HttpStatusCode.BadRequest, "invalid_request", false },
        { "grant_type=authorization_code", HttpStatusCode.BadRequest, "unsupported_grant_type", false },
        { "grant_type=client_credentials", HttpStatusCode.BadRequest, "unsupported_grant_type", false },
        { "a standard app's credentials", HttpStatusCode.BadRequest, "unauthorized_client", false },
    };

    [Theory, MemberData(nameof(CodeExchangeRefusals))]
    public async Task CodeExchange_Refused_AnswersLegacyError_AndChangesNothing(string @case, HttpStatusCode status, string errorCode, bool burnsTheCode)
    {
        var app = await Server.CreateAppAsync();
        var code = await CodeAsync(await Server.UserAsync(), app);
        using var http = Server.CreateClient();
        (string Key, string Value)[] seed = [("grant_type", "auth_code"), ("code", code), ("redirect_uri", RedirectUri), ("state", State)];
        using var request = @case switch
        {
            "unknown code" => TokenRequest(app.Basic, With(seed, "code", TokenCodec.Mint(TokenPrefixes.Default.AuthorizationCode))),
            "malformed code" => TokenRequest(app.Basic, With(seed, "code", "not-a-code")),
            "wrong redirect_uri" => TokenRequest(app.Basic, With(seed, "redirect_uri", "http://www.yoursite.com/oauth/other")),
            "another FUB app's credentials" => TokenRequest((await Server.CreateAppAsync()).Basic, seed),
            "wrong secret" => TokenRequest((app.ClientId, TokenCodec.Mint(TokenPrefixes.Default.ClientSecret)), seed),
            "unknown client" => TokenRequest((TokenCodec.Mint(TokenPrefixes.Default.ClientId), app.ClientSecret), seed),
            "no Authorization header" => TokenRequest(null, seed),
            "Bearer instead of Basic" => WithAuthorization(TokenRequest(null, seed), new AuthenticationHeaderValue("Bearer", app.ClientSecret)),
            "client_id and client_secret in the query" => TokenRequest(null, [.. seed, ("client_id", app.ClientId), ("client_secret", app.ClientSecret)]),
            "client_secret in the query beside Basic" => TokenRequest(app.Basic, [.. seed, ("client_secret", app.ClientSecret)]),
            "no grant_type" => TokenRequest(app.Basic, Without(seed, "grant_type")),
            "no code" => TokenRequest(app.Basic, Without(seed, "code")),
            "no redirect_uri" => TokenRequest(app.Basic, Without(seed, "redirect_uri")),
            "code sent twice" => TokenRequest(app.Basic, [.. seed, ("code", code)]),
            "grant_type=authorization_code" => TokenRequest(app.Basic, With(seed, "grant_type", "authorization_code")),
            "grant_type=client_credentials" => TokenRequest(app.Basic, With(seed, "grant_type", "client_credentials")),
            "a standard app's credentials" => TokenRequest(await StandardAppAsync(), seed),
            _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, null),
        };

        var refused = await http.ExchangeAsync(request);

        refused.AssertLegacyError(status, errorCode);
        Assert.True(refused.Response.Headers.CacheControl?.NoStore);
        if (status == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Basic", refused.Response.Headers.WwwAuthenticate.Single().Scheme);
        }
        Assert.Equal(0, await Server.TokenCountAsync(app));
        var retry = await http.ExchangeCodeAsync(app, code);
        if (burnsTheCode)
        {
            retry.AssertLegacyError(HttpStatusCode.BadRequest, "invalid_grant");
            Assert.Equal(0, await Server.TokenCountAsync(app));
        }
        else
        {
            retry.Tokens();
        }
    }

    public static TheoryData<string, string[]> MissingParameters => new()
    {
        { "", ["grant_type"] },
        { "grant_type=auth_code", ["code", "redirect_uri"] },
        { "grant_type=auth_code&code=x&state=s", ["redirect_uri"] },
        { "grant_type=refresh_token", ["refresh_token"] },
        { "grant_type=refresh_token&code=x&redirect_uri=y", ["refresh_token"] },
    };

    /// <summary>FACTS.md's "Missing required params", with every missing parameter named in errorDetails.</summary>
    [Theory, MemberData(nameof(MissingParameters))]
    public async Task MissingParameters_AreMissingRequiredParams_NamingEachOne(string query, string[] missing)
    {
        var app = await Server.CreateAppAsync();
        using var http = Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/oauth/token?" + query);
        request.Headers.Authorization = OAuthClient.BasicHeader(app.ClientId, app.ClientSecret);

        var body = (await http.ExchangeAsync(request)).AssertLegacyError(HttpStatusCode.BadRequest, "invalid_request");

        Assert.Equal("Missing required params", body.GetProperty("errorMessage").GetString());
        Assert.Equal(missing, body.GetProperty("errorDetails").Strings());
    }

    [Fact]
    public async Task UnknownGrantType_IsFubsInvalidGrantType()
    {
        var app = await Server.CreateAppAsync();
        using var http = Server.CreateClient();

        var body = (await http.TokenGetAsync(app.Basic, ("grant_type", "password"))).AssertLegacyError(HttpStatusCode.BadRequest, "unsupported_grant_type");

        Assert.Equal("Invalid grant type", body.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task ReusedCode_IsInvalidGrant_AndRevokesWhatTheFirstExchangeIssued()
    {
        var app = await Server.CreateAppAsync();
        var code = await CodeAsync(await Server.UserAsync(), app);
        using var http = Server.CreateClient();
        var (access, refresh) = (await http.ExchangeCodeAsync(app, code)).Tokens();

        (await http.ExchangeCodeAsync(app, code)).AssertLegacyError(HttpStatusCode.BadRequest, "invalid_grant");

        Assert.False(await Server.IsLiveAsync(access));
        Assert.False(await Server.IsLiveAsync(refresh));
        Assert.Equal(2, await Server.TokenCountAsync(app));
    }

    public static TheoryData<string, HttpStatusCode, string> RefreshRefusals => new()
    {
        { "unknown refresh token", HttpStatusCode.BadRequest, "invalid_grant" },
        { "the access token instead", HttpStatusCode.BadRequest, "invalid_grant" },
        { "wrong secret", HttpStatusCode.Unauthorized, "invalid_client" },
        { "no Authorization header", HttpStatusCode.Unauthorized, "invalid_client" },
        { "client_secret in the query beside Basic", HttpStatusCode.BadRequest, "invalid_request" },
        { "refresh_token sent twice", HttpStatusCode.BadRequest, "invalid_request" },
        { "another FUB app's credentials", HttpStatusCode.BadRequest, "invalid_grant" },
    };

    [Theory, MemberData(nameof(RefreshRefusals))]
    public async Task Refresh_Refused_AnswersLegacyError_AndTheRefreshTokenStillWorks(string @case, HttpStatusCode status, string errorCode)
    {
        var app = await Server.CreateAppAsync();
        using var http = Server.CreateClient();
        var (access, refresh) = (await http.ExchangeCodeAsync(app, await CodeAsync(await Server.UserAsync(), app))).Tokens();
        (string Key, string Value)[] seed = [("grant_type", "refresh_token"), ("refresh_token", refresh)];
        using var request = @case switch
        {
            "unknown refresh token" => TokenRequest(app.Basic, With(seed, "refresh_token", TokenCodec.Mint(TokenPrefixes.Default.RefreshToken))),
            "the access token instead" => TokenRequest(app.Basic, With(seed, "refresh_token", access)),
            "wrong secret" => TokenRequest((app.ClientId, TokenCodec.Mint(TokenPrefixes.Default.ClientSecret)), seed),
            "no Authorization header" => TokenRequest(null, seed),
            "client_secret in the query beside Basic" => TokenRequest(app.Basic, [.. seed, ("client_secret", app.ClientSecret)]),
            "refresh_token sent twice" => TokenRequest(app.Basic, [.. seed, ("refresh_token", refresh)]),
            "another FUB app's credentials" => TokenRequest((await Server.CreateAppAsync()).Basic, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, null),
        };

        (await http.ExchangeAsync(request)).AssertLegacyError(status, errorCode);

        Assert.Equal(2, await Server.TokenCountAsync(app));
        Assert.True(await Server.IsLiveAsync(access));
        (await http.RefreshAsync(app, refresh)).Tokens();
    }

    [Fact]
    public async Task ReusedRefreshToken_IsInvalidGrant_AndRevokesTheWholeFamily()
    {
        var app = await Server.CreateAppAsync();
        using var http = Server.CreateClient();
        var (_, refresh) = (await http.ExchangeCodeAsync(app, await CodeAsync(await Server.UserAsync(), app))).Tokens();
        var (access, newRefresh) = (await http.RefreshAsync(app, refresh)).Tokens();

        (await http.RefreshAsync(app, refresh)).AssertLegacyError(HttpStatusCode.BadRequest, "invalid_grant");

        Assert.False(await Server.IsLiveAsync(access));
        Assert.False(await Server.IsLiveAsync(newRefresh));
    }

    private static HttpRequestMessage WithAuthorization(HttpRequestMessage request, AuthenticationHeaderValue authorization)
    {
        request.Headers.Authorization = authorization;
        return request;
    }

    private static (string, string)[] With((string Key, string Value)[] query, string key, string value) =>
        [.. query.Select(p => p.Key == key ? (key, value) : p)];

    private static (string, string)[] Without((string Key, string Value)[] query, string key) =>
        [.. query.Where(p => p.Key != key)];

    /// <summary>An app of the standard profile in the same deployment: it keeps <c>POST /oauth/token</c>, not FUB's GET.</summary>
    private async Task<(string, string)> StandardAppAsync()
    {
        var created = await Server.AppAsync((await Server.OrganizationAsync()).Id, new AppDraft
        {
            Name = "Standard client",
            RedirectUris = ["https://client.example/callback"],
            Profile = Latchkey.Profiles.ProfileName.Standard,
        });
        return (created.App.ClientId, created.Secret!.Plaintext);
    }
}
