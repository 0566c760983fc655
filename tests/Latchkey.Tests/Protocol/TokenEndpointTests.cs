using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Protocol;

/// <summary>POST /oauth/token (RFC 6749 §3.2, §4.1.3, §4.4, §5, §6; RFC 7636; RFC 9700 §4.14).</summary>
public sealed class TokenEndpointTests : IAsyncLifetime
{
    private const string Callback = "https://client.example/callback";
    private LatchkeyTestServer _server = null!;
    private HttpClient _http = null!;
    private Guid _org;
    private Guid _user;
    private App _app = null!;
    private string _secret = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await LatchkeyTestServer.StartAsync();
        _http = _server.CreateClient();
        _org = (await _server.OrganizationAsync()).Id;
        _user = (await _server.UserAsync("ada@example.com", "correct-horse-1", _org)).Id;
        var created = await _server.AppAsync(_org, new AppDraft
        {
            Name = "Client",
            RedirectUris = [Callback],
            Scopes = ["posts:read", "posts:write"],
            ActorModes = [ActorMode.Self, ActorMode.App],
        });
        (_app, _secret) = (created.App, created.Secret!.Plaintext);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private (string, string) Basic => (_app.ClientId, _secret);

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Token(
        (string, string)? basic, params (string Key, string Value)[] fields) =>
        _http.ExchangeAsync(OAuthClient.Form("/oauth/token", fields.Select(f => KeyValuePair.Create(f.Key, f.Value)), basic));

    private async Task<string> CodeAsync(string? challenge = null, TimeSpan? lifetime = null) =>
        (await _server.CodeAsync(_app, _org, _user, Callback, codeChallenge: challenge, lifetime: lifetime)).Code;

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Redeem(string code, params (string, string)[] extra) =>
        Token(Basic, [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Callback), .. extra]);

    private Task<IssuedToken?> Stored(string token) =>
        _server.WithScopeAsync(s => s.GetRequiredService<TokenStore>().FindAsync(token, TokenPrefixes.Default, default));

    private async Task<bool> IsActive(string token) => (await Stored(token))?.IsActiveAt(DateTimeOffset.UtcNow) == true;

    private static void AssertError(HttpStatusCode expectedStatus, string expectedError, (HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) result)
    {
        Assert.Equal(expectedStatus, result.Status);
        Assert.Equal(expectedError, result.Body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(result.Body.GetProperty("error_description").GetString()));
        Assert.Equal("no-store", result.Response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task AuthorizationCode_WithBasicAuth_IssuesABearerTokenSet()
    {
        var (status, body, response) = await Redeem(await CodeAsync());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(86400, body.GetProperty("expires_in").GetInt64());
        Assert.Equal("posts:read posts:write", body.GetProperty("scope").GetString());
        var access = body.GetProperty("access_token").GetString()!;
        var refresh = body.GetProperty("refresh_token").GetString()!;
        Assert.True(TokenCodec.IsWellFormed(access, "lkat_"));
        Assert.True(TokenCodec.IsWellFormed(refresh, "lkrt_"));
        Assert.True(await IsActive(access));
        Assert.True(await IsActive(refresh));
    }

    [Fact]
    public async Task Tokens_AreStoredAsHashesOnly()
    {
        var (_, body, _) = await Redeem(await CodeAsync());

        var rows = await _server.WithDbAsync(db => db.Tokens.AsNoTracking().ToListAsync());
        var access = body.GetProperty("access_token").GetString()!;
        Assert.Contains(rows, r => r.Hash.SequenceEqual(TokenCodec.Hash(access)));
        Assert.All(rows, r => Assert.Equal(32, r.Hash.Length));
        var everything = JsonSerializer.Serialize(rows);
        Assert.DoesNotContain(access[5..], everything, StringComparison.Ordinal);
        Assert.DoesNotContain(body.GetProperty("refresh_token").GetString()![5..], everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizationCode_WithClientSecretPost_Works()
    {
        var (status, _, _) = await Token(null,
            ("grant_type", "authorization_code"), ("code", await CodeAsync()), ("redirect_uri", Callback),
            ("client_id", _app.ClientId), ("client_secret", _secret));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task SecondRedemption_Fails_AndRevokesWhatTheFirstIssued()
    {
        var code = await CodeAsync();
        var (_, first, _) = await Redeem(code);

        var second = await Redeem(code);

        AssertError(HttpStatusCode.BadRequest, "invalid_grant", second);
        Assert.False(await IsActive(first.GetProperty("access_token").GetString()!));
        Assert.False(await IsActive(first.GetProperty("refresh_token").GetString()!));
    }

    [Fact]
    public async Task WrongRedirectUri_Fails_AndBurnsTheCode()
    {
        var code = await CodeAsync();

        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Token(Basic,
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", "https://client.example/other")));
        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Redeem(code));
    }

    [Fact]
    public async Task MissingRedirectUri_WhenTheAuthorizationHadOne_Fails()
    {
        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Token(Basic,
            ("grant_type", "authorization_code"), ("code", await CodeAsync())));
    }

    [Fact]
    public async Task AnotherClientsCode_Fails_AndBurnsIt()
    {
        var other = await _server.AppAsync(_org);
        var code = await CodeAsync();

        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Token((other.App.ClientId, other.Secret!.Plaintext),
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Callback)));
        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Redeem(code));
    }

    [Fact]
    public async Task ExpiredCode_Fails()
    {
        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Redeem(await CodeAsync(lifetime: TimeSpan.FromSeconds(-1))));
    }

    [Fact]
    public async Task UnknownAndMalformedCodes_Fail()
    {
        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Redeem(TokenCodec.Mint("lkc_")));
        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Redeem("not-a-code"));
    }

    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; // RFC 7636 Appendix B

    [Fact]
    public async Task Pkce_TheRfcExampleVerifier_Works()
    {
        Assert.Equal(HttpStatusCode.OK, (await Redeem(await CodeAsync(Challenge), ("code_verifier", Verifier))).Status);
    }

    [Fact]
    public async Task Pkce_MissingVerifier_Fails_AndBurnsTheCode()
    {
        var code = await CodeAsync(Challenge);

        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Redeem(code));
        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Redeem(code, ("code_verifier", Verifier)));
    }

    [Theory]
    [InlineData("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx")]
    [InlineData("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")]
    [InlineData("short")]
    public async Task Pkce_WrongVerifier_Fails(string verifier)
    {
        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Redeem(await CodeAsync(Challenge), ("code_verifier", verifier)));
    }

    [Fact]
    public async Task Pkce_VerifierForACodeWithoutChallenge_IsRefused()
    {
        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Redeem(await CodeAsync(), ("code_verifier", Verifier)));
    }

    [Fact]
    public async Task PublicClient_RedeemsWithPkceAndNoSecret()
    {
        var spa = (await _server.AppAsync(_org, new AppDraft { Name = "Spa", RedirectUris = [Callback], IsPublic = true })).App;
        var code = (await _server.CodeAsync(spa, _org, _user, Callback, codeChallenge: Challenge)).Code;

        var (status, body, _) = await Token(null, ("grant_type", "authorization_code"), ("code", code),
            ("redirect_uri", Callback), ("client_id", spa.ClientId), ("code_verifier", Verifier));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task ConfidentialClient_WithoutSecret_IsInvalidClient()
    {
        AssertError(HttpStatusCode.Unauthorized, "invalid_client", await Token(null,
            ("grant_type", "authorization_code"), ("code", await CodeAsync()), ("redirect_uri", Callback), ("client_id", _app.ClientId)));
    }

    public static TheoryData<string, string> WrongClients => new()
    {
        { "unknown", "lksec_x" },
        { "", "" },
    };

    [Fact]
    public async Task WrongSecret_Is401_WithWwwAuthenticate()
    {
        var result = await Token((_app.ClientId, TokenCodec.Mint("lksec_")), ("grant_type", "client_credentials"));

        AssertError(HttpStatusCode.Unauthorized, "invalid_client", result);
        Assert.Equal("Basic", result.Response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task UnknownClient_Is401()
    {
        AssertError(HttpStatusCode.Unauthorized, "invalid_client", await Token((TokenCodec.Mint("lkapp_"), _secret), ("grant_type", "client_credentials")));
    }

    [Fact]
    public async Task BasicAndBodySecretTogether_IsInvalidRequest()
    {
        AssertError(HttpStatusCode.BadRequest, "invalid_request", await Token(Basic,
            ("grant_type", "client_credentials"), ("client_id", _app.ClientId), ("client_secret", _secret)));
    }

    public static TheoryData<string, string> MalformedRequests => new()
    {
        { "grant_type=client_credentials&grant_type=client_credentials", "invalid_request" },
        { "grant_type=client_credentials&scope=posts:read&scope=posts:write", "invalid_request" },
        { "", "invalid_request" },
        { "grant_type=", "invalid_request" },
        { "grant_type=password&username=a&password=b", "unsupported_grant_type" },
        { "grant_type=implicit", "unsupported_grant_type" },
        { "grant_type=authorization_code", "invalid_request" },
        { "grant_type=refresh_token", "invalid_request" },
        { "grant_type=client_credentials&scope=" + "x", "invalid_scope" },
        { "grant_type=authorization_code&code=" + "a%00b&redirect_uri=x", "invalid_grant" },
        { "grant_type=client_credentials&scope=" + "posts:read%20admin", "invalid_scope" },
    };

    [Theory, MemberData(nameof(MalformedRequests))]
    public async Task MalformedRequest_IsRefused_AndIssuesNothing(string body, string expectedError)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/token")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.Authorization = OAuthClient.BasicHeader(_app.ClientId, _secret);

        var result = await _http.ExchangeAsync(request);

        AssertError(HttpStatusCode.BadRequest, expectedError, result);
        Assert.Equal(0, await _server.WithDbAsync(db => db.Tokens.CountAsync()));
    }

    [Fact]
    public async Task OversizedParameter_IsRefused()
    {
        AssertError(HttpStatusCode.BadRequest, "invalid_request", await Token(Basic, ("grant_type", "client_credentials"), ("scope", new string('a', 5000))));
    }

    [Theory]
    [InlineData("application/json", "{\"grant_type\":\"client_credentials\"}")]
    [InlineData("text/plain", "grant_type=client_credentials")]
    [InlineData("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--x--")]
    public async Task WrongContentType_IsInvalidRequest(string contentType, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/token") { Content = new StringContent(body) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = OAuthClient.BasicHeader(_app.ClientId, _secret);

        AssertError(HttpStatusCode.BadRequest, "invalid_request", await _http.ExchangeAsync(request));
    }

    [Fact]
    public async Task ParametersInTheQueryString_AreRefused()
    {
        var request = OAuthClient.Form("/oauth/token?code=x", [KeyValuePair.Create("grant_type", "client_credentials")], Basic);

        AssertError(HttpStatusCode.BadRequest, "invalid_request", await _http.ExchangeAsync(request));
    }

    /// <summary>GET is FUB's legacy form (seed 001), for FUB apps only: a standard app is refused, and its code stays unused.</summary>
    [Fact]
    public async Task Get_ForAStandardApp_IsUnauthorizedClient_AndConsumesNothing()
    {
        var code = await CodeAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"/oauth/token?grant_type=auth_code&code={code}&redirect_uri={Uri.EscapeDataString(Callback)}");
        request.Headers.Authorization = OAuthClient.BasicHeader(_app.ClientId, _secret);

        var (status, body, _) = await _http.ExchangeAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", body.GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Redeem(code)).Status);
    }

    [Fact]
    public async Task Refresh_RotatesAndRevokesThePreviousAccessToken()
    {
        var (_, first, _) = await Redeem(await CodeAsync());
        var firstAccess = first.GetProperty("access_token").GetString()!;
        var firstRefresh = first.GetProperty("refresh_token").GetString()!;

        var (status, second, response) = await Token(Basic, ("grant_type", "refresh_token"), ("refresh_token", firstRefresh));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var secondRefresh = second.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(firstRefresh, secondRefresh);
        Assert.False(await IsActive(firstAccess));
        Assert.False(await IsActive(firstRefresh));
        Assert.True(await IsActive(second.GetProperty("access_token").GetString()!));
        Assert.True(await IsActive(secondRefresh));
    }

    [Fact]
    public async Task Refresh_ReuseOfARotatedToken_RevokesTheWholeFamily()
    {
        var (_, first, _) = await Redeem(await CodeAsync());
        var firstRefresh = first.GetProperty("refresh_token").GetString()!;
        var (_, second, _) = await Token(Basic, ("grant_type", "refresh_token"), ("refresh_token", firstRefresh));

        var reuse = await Token(Basic, ("grant_type", "refresh_token"), ("refresh_token", firstRefresh));

        AssertError(HttpStatusCode.BadRequest, "invalid_grant", reuse);
        Assert.Contains("Reuse detected", reuse.Body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.False(await IsActive(second.GetProperty("access_token").GetString()!));
        Assert.False(await IsActive(second.GetProperty("refresh_token").GetString()!));
    }

    [Fact]
    public async Task Refresh_MayNarrowTheScope_NeverWiden()
    {
        var (_, first, _) = await Redeem(await CodeAsync());
        var refresh = first.GetProperty("refresh_token").GetString()!;

        AssertError(HttpStatusCode.BadRequest, "invalid_scope", await Token(Basic, ("grant_type", "refresh_token"), ("refresh_token", refresh), ("scope", "posts:read admin")));
        var (status, narrowed, _) = await Token(Basic, ("grant_type", "refresh_token"), ("refresh_token", refresh), ("scope", "posts:read"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("posts:read", narrowed.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Refresh_ByAnotherClient_Fails_AndChangesNothing()
    {
        var (_, first, _) = await Redeem(await CodeAsync());
        var refresh = first.GetProperty("refresh_token").GetString()!;
        var other = await _server.AppAsync(_org);

        AssertError(HttpStatusCode.BadRequest, "invalid_grant", await Token((other.App.ClientId, other.Secret!.Plaintext), ("grant_type", "refresh_token"), ("refresh_token", refresh)));
        Assert.True(await IsActive(refresh));
    }

    [Fact]
    public async Task ClientCredentials_IssuesAnAppTokenWithoutRefresh_AndRevokesThePreviousOne()
    {
        var (status, first, _) = await Token(Basic, ("grant_type", "client_credentials"), ("scope", "posts:read"));
        var (_, second, _) = await Token(Basic, ("grant_type", "client_credentials"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(first.TryGetProperty("refresh_token", out _));
        Assert.Equal("posts:read", first.GetProperty("scope").GetString());
        Assert.Equal("posts:read posts:write", second.GetProperty("scope").GetString());
        Assert.False(await IsActive(first.GetProperty("access_token").GetString()!));
        Assert.True(await IsActive(second.GetProperty("access_token").GetString()!));
    }

    [Fact]
    public async Task ClientCredentials_WithoutTheAppActorMode_IsUnauthorizedClient()
    {
        var selfOnly = await _server.AppAsync(_org, new AppDraft { Name = "Self", RedirectUris = [Callback], ActorModes = [ActorMode.Self] });

        AssertError(HttpStatusCode.BadRequest, "unauthorized_client",
            await Token((selfOnly.App.ClientId, selfOnly.Secret!.Plaintext), ("grant_type", "client_credentials")));
    }

    [Fact]
    public async Task ClientCredentials_ForAPublicClient_IsUnauthorizedClient()
    {
        var spa = (await _server.AppAsync(_org, new AppDraft { Name = "Spa", RedirectUris = [Callback], IsPublic = true, ActorModes = [ActorMode.App] })).App;

        AssertError(HttpStatusCode.BadRequest, "unauthorized_client", await Token(null, ("grant_type", "client_credentials"), ("client_id", spa.ClientId)));
    }

    [Fact]
    public async Task RotatedOutSecret_WorksDuringOverlap_NotAfterEarlyRevoke()
    {
        var rotated = await _server.WithScopeAsync(async s =>
        {
            var registry = s.GetRequiredService<AppRegistry>();
            var app = (await registry.FindAsync(_org, _app.ClientId, default))!;
            return (await registry.RotateSecretAsync(app, default)).Value!;
        });

        Assert.Equal(HttpStatusCode.OK, (await Token(Basic, ("grant_type", "client_credentials"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Token((_app.ClientId, rotated.Plaintext), ("grant_type", "client_credentials"))).Status);
        await _server.WithScopeAsync(async s =>
        {
            var registry = s.GetRequiredService<AppRegistry>();
            var app = (await registry.FindAsync(_org, _app.ClientId, default))!;
            var old = app.Secrets.Single(x => x.ExpiresAt is not null);
            return (await registry.RevokeSecretAsync(app, old.Id, default)).IsValid;
        });
        AssertError(HttpStatusCode.Unauthorized, "invalid_client", await Token(Basic, ("grant_type", "client_credentials")));
    }
}
