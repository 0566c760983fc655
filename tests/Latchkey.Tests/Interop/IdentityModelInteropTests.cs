using Duende.IdentityModel.Client;
using Latchkey.Protocol.Metadata;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Latchkey.Tests.Protocol;

namespace Latchkey.Tests.Interop;

/// <summary>
/// Duende.IdentityModel, a strict third-party OAuth client, against the real <c>latchkey serve</c> process over
/// real sockets: it finds every endpoint through RFC 8414 metadata and must accept each of our answers as it
/// parses them, with both client authentication styles (RFC 6749 §2.3.1). Our own code only arranges data.
/// </summary>
public sealed class IdentityModelInteropTests(IdentityModelInteropTests.Server live) : IClassFixture<IdentityModelInteropTests.Server>, IDisposable
{
    /// <summary>One process for the class: each test registers its own organization, user and app.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public LiveLatchkey Live { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Live = await LiveLatchkey.StartAsync();

        public ValueTask DisposeAsync() => Live.DisposeAsync();
    }

    private LiveLatchkey Live => live.Live;

    private readonly HttpClient _http = new();

    /// <summary>
    /// IdentityModel's defaults are OpenID Connect's; Latchkey is an OAuth server. Two settings say so, the rest
    /// stay strict: the RFC 8414 §3 path instead of <c>/.well-known/openid-configuration</c>, and no key set
    /// (tokens are opaque and there are no ID tokens). https stays required except on loopback, the issuer must
    /// equal the authority (RFC 8414 §3.3), and every endpoint must lie under it.
    /// </summary>
    private DiscoveryPolicy Policy => new()
    {
        Authority = Live.Authority,
        DiscoveryDocumentPath = MetadataEndpoint.Path,
        RequireKeySet = false,
        RequireHttps = true,
        AllowHttpOnLoopback = true,
        ValidateIssuerName = true,
        ValidateEndpoints = true,
    };

    private async Task<DiscoveryDocumentResponse> DiscoverAsync()
    {
        var disco = await _http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest { Address = Live.Authority, Policy = Policy });
        Assert.False(disco.IsError, $"{disco.ErrorType}: {disco.Error}");
        return disco;
    }

    private async Task<(DiscoveryDocumentResponse Disco, TestClient Client)> ArrangeAsync() =>
        (await DiscoverAsync(), await Live.Seeder.ClientAsync());

    /// <summary>A code as consent leaves it, bound to a fresh S256 challenge; the verifier to redeem it.</summary>
    private async Task<(string Code, string Verifier)> CodeAsync(TestClient client)
    {
        var (verifier, challenge) = AuthorizeKit.NewPkce();
        var (_, code) = await Live.Seeder.CodeAsync(client.App, client.OrganizationId, client.UserId, SeedTokens.Callback, codeChallenge: challenge);
        return (code, verifier);
    }

    private Task<TokenResponse> RedeemAsync(DiscoveryDocumentResponse disco, TestClient client, string code, string verifier,
        ClientCredentialStyle style = ClientCredentialStyle.AuthorizationHeader) =>
        _http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = client.App.ClientId,
            ClientSecret = client.Secret,
            ClientCredentialStyle = style,
            Code = code,
            RedirectUri = SeedTokens.Callback,
            CodeVerifier = verifier,
        });

    private Task<TokenIntrospectionResponse> IntrospectAsync(DiscoveryDocumentResponse disco, (string Id, string Secret) caller, string token,
        ClientCredentialStyle style = ClientCredentialStyle.AuthorizationHeader) =>
        _http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = disco.IntrospectionEndpoint,
            ClientId = caller.Id,
            ClientSecret = caller.Secret,
            ClientCredentialStyle = style,
            Token = token,
        });

    private Task<TokenResponse> RefreshAsync(DiscoveryDocumentResponse disco, TestClient client, string refreshToken, ClientCredentialStyle style) =>
        _http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = client.App.ClientId,
            ClientSecret = client.Secret,
            ClientCredentialStyle = style,
            RefreshToken = refreshToken,
        });

    private Task<TokenResponse> ClientCredentialsAsync(DiscoveryDocumentResponse disco, TestClient client, string secret, ClientCredentialStyle style) =>
        _http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = client.App.ClientId,
            ClientSecret = secret,
            ClientCredentialStyle = style,
        });

    private Task<TokenRevocationResponse> RevokeAsync(DiscoveryDocumentResponse disco, TestClient client, string token, string hint,
        ClientCredentialStyle style = ClientCredentialStyle.AuthorizationHeader) =>
        _http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = disco.RevocationEndpoint,
            ClientId = client.App.ClientId,
            ClientSecret = client.Secret,
            ClientCredentialStyle = style,
            Token = token,
            TokenTypeHint = hint,
        });

    private async Task<HttpStatusCode> SessionStatusAsync(string accessToken)
    {
        using var http = Live.CreateClient();
        using var response = await http.SessionAsync(accessToken);
        return response.StatusCode;
    }

    private static void AssertTokens(TokenResponse response, bool withRefreshToken)
    {
        Assert.False(response.IsError, $"{response.ErrorType}: {response.Error} {response.ErrorDescription}");
        Assert.StartsWith("lkat_", response.AccessToken, StringComparison.Ordinal);
        Assert.Equal("Bearer", response.TokenType);
        Assert.InRange(response.ExpiresIn, 1, (int)TimeSpan.FromDays(1).TotalSeconds);
        Assert.Equal(SeedTokens.Scopes, response.Scope);
        if (withRefreshToken)
        {
            Assert.StartsWith("lkrt_", response.RefreshToken, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(response.RefreshToken);
        }
    }

    private static void AssertProtocolError(ProtocolResponse response, HttpStatusCode status, string error)
    {
        Assert.True(response.IsError);
        Assert.Equal(ResponseErrorType.Protocol, response.ErrorType);
        Assert.Equal(status, response.HttpStatusCode);
        Assert.Equal(error, response.Error);
    }

    [Fact]
    public async Task Discovery_StrictPolicyOnTheRfc8414Path_AcceptsTheMetadata_IssuerIsTheAuthority()
    {
        var disco = await DiscoverAsync();

        Assert.Equal(Live.Authority, disco.Issuer);
        Assert.Equal(Live.Authority + "/oauth/authorize", disco.AuthorizeEndpoint);
        Assert.Equal(Live.Authority + "/oauth/token", disco.TokenEndpoint);
        Assert.Equal(Live.Authority + "/oauth/revoke", disco.RevocationEndpoint);
        Assert.Equal(Live.Authority + "/oauth/introspect", disco.IntrospectionEndpoint);
        Assert.Equal(["authorization_code", "refresh_token", "client_credentials"], disco.GrantTypesSupported);
        Assert.Equal(["S256"], disco.CodeChallengeMethodsSupported);
        Assert.Contains("client_secret_basic", disco.TokenEndpointAuthenticationMethodsSupported);
        Assert.Contains("client_secret_post", disco.TokenEndpointAuthenticationMethodsSupported);
        Assert.True(disco.AuthorizationResponseIssParameterSupported);
    }

    [Fact]
    public async Task Discovery_OnTheOpenIdConnectPath_IsNotFound_SoOnlyTheRfc8414PathIsAdvertised()
    {
        var disco = await _http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = Live.Authority,
            Policy = new DiscoveryPolicy { RequireKeySet = false },
        });

        Assert.True(disco.IsError);
        Assert.Equal(HttpStatusCode.NotFound, disco.HttpStatusCode);
    }

    /// <summary>
    /// The whole front channel: IdentityModel writes the authorization request from the metadata, a user signs in and
    /// approves on the real consent screen, IdentityModel parses the redirect (code, state, RFC 9207 <c>iss</c>), and
    /// redeems the code with its PKCE verifier.
    /// </summary>
    [Fact]
    public async Task AuthorizationCode_ThroughSignInAndConsent_IdentityModelWritesTheRequestAndReadsTheRedirect()
    {
        var (disco, client) = await ArrangeAsync();
        var email = $"{Guid.NewGuid():N}@example.com";
        await Live.Seeder.UserAsync(email, PortalBrowser.Password, client.OrganizationId, Latchkey.Organizations.OrganizationRole.Owner);
        using var cookies = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Live.Process.BaseAddress };
        var browser = new PortalBrowser(cookies);
        using (var signedIn = await browser.SignInAsync(email, PortalBrowser.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }
        var (verifier, challenge) = AuthorizeKit.NewPkce();
        var state = Guid.NewGuid().ToString("N");
        var url = new RequestUrl(disco.AuthorizeEndpoint!).CreateAuthorizeUrl(client.App.ClientId, "code", scope: SeedTokens.Scopes,
            redirectUri: SeedTokens.Callback, state: state, codeChallenge: challenge, codeChallengeMethod: "S256");

        using var consentPage = await browser.GetAsync(new Uri(url).PathAndQuery);
        var (_, form) = await consentPage.AssertConsentPageAsync();
        using var approved = await browser.PostAsync(AuthorizeKit.AuthorizePath, form.Answer("approve", client.OrganizationId));
        Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        var answer = new AuthorizeResponse(approved.Headers.Location!.AbsoluteUri);

        Assert.False(answer.IsError, answer.Error);
        Assert.Equal(state, answer.State);
        Assert.Equal(disco.Issuer, answer.Issuer);
        var tokens = await RedeemAsync(disco, client, answer.Code!, verifier);
        AssertTokens(tokens, withRefreshToken: true);
        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(tokens.AccessToken!));
    }

    [Theory]
    [InlineData(ClientCredentialStyle.AuthorizationHeader)]
    [InlineData(ClientCredentialStyle.PostBody)]
    public async Task CodeWithPkce_ThenRefresh_RotatesTheSet(ClientCredentialStyle style)
    {
        var (disco, client) = await ArrangeAsync();
        var (code, verifier) = await CodeAsync(client);

        var first = await RedeemAsync(disco, client, code, verifier, style);
        AssertTokens(first, withRefreshToken: true);
        var second = await RefreshAsync(disco, client, first.RefreshToken!, style);

        AssertTokens(second, withRefreshToken: true);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(first.AccessToken!));
        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(second.AccessToken!));
    }

    [Theory]
    [InlineData(ClientCredentialStyle.AuthorizationHeader)]
    [InlineData(ClientCredentialStyle.PostBody)]
    public async Task ClientCredentials_IssuesAnAccessTokenForTheApp_WithoutRefreshToken(ClientCredentialStyle style)
    {
        var (disco, client) = await ArrangeAsync();

        var response = await ClientCredentialsAsync(disco, client, client.Secret!, style);

        AssertTokens(response, withRefreshToken: false);
        Assert.Equal(HttpStatusCode.OK, await SessionStatusAsync(response.AccessToken!));
    }

    [Fact]
    public async Task Introspection_ByAResourceServer_ActiveWithItsClaims_ThenInactiveAfterRevocation()
    {
        var (disco, client) = await ArrangeAsync();
        var resourceServer = await Live.Seeder.ResourceServerAsync();
        var (code, verifier) = await CodeAsync(client);
        var tokens = await RedeemAsync(disco, client, code, verifier);

        var active = await IntrospectAsync(disco, resourceServer, tokens.AccessToken!);

        Assert.False(active.IsError, active.Error);
        Assert.True(active.IsActive);
        Assert.Equal(SeedTokens.Scopes.Split(' '), active.Scopes);
        Assert.Equal(client.App.ClientId, active.ClientId);
        Assert.Equal(client.UserId.ToString(), active.Subject);
        Assert.Equal(disco.Issuer, active.Issuer);
        Assert.Equal("Bearer", active.TokenType);
        Assert.True(active.Expiration > DateTimeOffset.UtcNow);

        var revoked = await RevokeAsync(disco, client, tokens.AccessToken!, "access_token");
        Assert.False(revoked.IsError, revoked.Error);

        var inactive = await IntrospectAsync(disco, resourceServer, tokens.AccessToken!);
        Assert.False(inactive.IsError, inactive.Error);
        Assert.False(inactive.IsActive);
        // RFC 7662 §2.2: nothing but "active": false about an inactive token.
        Assert.Equal("active", Assert.Single(inactive.Claims).Type);
    }

    /// <summary>An app may introspect its own tokens, authenticating as at the token endpoint, in either style.</summary>
    [Theory]
    [InlineData(ClientCredentialStyle.AuthorizationHeader)]
    [InlineData(ClientCredentialStyle.PostBody)]
    public async Task Introspection_ByTheAppOfItsOwnRefreshToken_IsActive(ClientCredentialStyle style)
    {
        var (disco, client) = await ArrangeAsync();
        var (code, verifier) = await CodeAsync(client);
        var tokens = await RedeemAsync(disco, client, code, verifier);

        var response = await IntrospectAsync(disco, client.Basic, tokens.RefreshToken!, style);

        Assert.False(response.IsError, response.Error);
        Assert.True(response.IsActive);
        Assert.Equal("refresh_token", response.TokenType);
        Assert.Equal(client.App.ClientId, response.ClientId);
    }

    /// <summary>
    /// The metadata lists <c>client_secret_post</c> for the introspection endpoint, so a strict resource server that
    /// picks its method from the metadata may send its credentials in the body, and that must work.
    /// </summary>
    [Fact]
    public async Task Introspection_ByAResourceServer_WithClientSecretPost_AsTheMetadataAdvertises()
    {
        var (disco, client) = await ArrangeAsync();
        var resourceServer = await Live.Seeder.ResourceServerAsync();
        var (code, verifier) = await CodeAsync(client);
        var tokens = await RedeemAsync(disco, client, code, verifier);

        var response = await IntrospectAsync(disco, resourceServer, tokens.AccessToken!, ClientCredentialStyle.PostBody);

        Assert.False(response.IsError, response.Error);
        Assert.True(response.IsActive);
    }

    [Theory]
    [InlineData(ClientCredentialStyle.AuthorizationHeader)]
    [InlineData(ClientCredentialStyle.PostBody)]
    public async Task RevokingTheRefreshToken_EndsTheWholeSet_AndTheNextRefreshIsInvalidGrant(ClientCredentialStyle style)
    {
        var (disco, client) = await ArrangeAsync();
        var resourceServer = await Live.Seeder.ResourceServerAsync();
        var (code, verifier) = await CodeAsync(client);
        var tokens = await RedeemAsync(disco, client, code, verifier);

        var revoked = await RevokeAsync(disco, client, tokens.RefreshToken!, "refresh_token", style);

        Assert.False(revoked.IsError, revoked.Error);
        Assert.Equal(HttpStatusCode.OK, revoked.HttpStatusCode);
        Assert.False((await IntrospectAsync(disco, resourceServer, tokens.AccessToken!)).IsActive);
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionStatusAsync(tokens.AccessToken!));
        var refreshed = await RefreshAsync(disco, client, tokens.RefreshToken!, style);
        AssertProtocolError(refreshed, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task ReplayedCode_IsInvalidGrant_WithADescription_AsIdentityModelReadsIt()
    {
        var (disco, client) = await ArrangeAsync();
        var (code, verifier) = await CodeAsync(client);
        AssertTokens(await RedeemAsync(disco, client, code, verifier), withRefreshToken: true);

        var replay = await RedeemAsync(disco, client, code, verifier);

        AssertProtocolError(replay, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.False(string.IsNullOrWhiteSpace(replay.ErrorDescription));
    }

    [Fact]
    public async Task WrongVerifier_IsInvalidGrant()
    {
        var (disco, client) = await ArrangeAsync();
        var (code, _) = await CodeAsync(client);

        AssertProtocolError(await RedeemAsync(disco, client, code, AuthorizeKit.NewPkce().Verifier), HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Theory]
    [InlineData(ClientCredentialStyle.AuthorizationHeader)]
    [InlineData(ClientCredentialStyle.PostBody)]
    public async Task WrongSecret_IsInvalidClient(ClientCredentialStyle style)
    {
        var (disco, client) = await ArrangeAsync();

        var response = await ClientCredentialsAsync(disco, client, "lksec_wrong", style);

        // IdentityModel reads only a 400 as a protocol error; any other status is an HTTP error whose body it still
        // parses. RFC 6749 §5.2 makes invalid_client a 401 (with a Basic challenge) when the client tried to authenticate.
        Assert.True(response.IsError);
        Assert.Equal(ResponseErrorType.Http, response.ErrorType);
        Assert.Equal(HttpStatusCode.Unauthorized, response.HttpStatusCode);
        Assert.Equal("invalid_client", response.TryGet("error"));
        Assert.Equal("Basic", response.HttpResponse!.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task PasswordGrant_IsUnsupportedGrantType()
    {
        var (disco, client) = await ArrangeAsync();

        var response = await _http.RequestPasswordTokenAsync(new PasswordTokenRequest
        {
            Address = disco.TokenEndpoint,
            ClientId = client.App.ClientId,
            ClientSecret = client.Secret,
            UserName = "someone@example.com",
            Password = PortalBrowser.Password,
        });

        AssertProtocolError(response, HttpStatusCode.BadRequest, "unsupported_grant_type");
    }

    public void Dispose() => _http.Dispose();
}
