using Latchkey.Profiles;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Protocol;

/// <summary>POST /oauth/revoke (RFC 7009 §2).</summary>
public sealed class RevocationEndpointTests(TokenServer shared) : IClassFixture<TokenServer>
{
    private const string Path = "/oauth/revoke";
    private LatchkeyTestServer Server => shared.Server;
    private TestClient Client => shared.Client;
    private TestClient Other => shared.Other;

    private static HttpRequestMessage Revoke((string, string)? basic, params (string Key, string Value)[] fields) =>
        OAuthClient.Form(Path, fields.Select(f => KeyValuePair.Create(f.Key, f.Value)), basic);

    private static void AssertRevoked(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(error, (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    private static async Task AssertInvalidTokenAtSessionAsync(HttpClient http, string access)
    {
        using var session = await http.SessionAsync(access);
        Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
        Assert.Contains("error=\"invalid_token\"", session.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task RevokingARefreshToken_RevokesItsWholeFamily(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        using var http = server.CreateClient();
        var client = await server.ClientAsync();
        var (firstAccess, firstRefresh) = await server.SelfTokensAsync(client);
        var (access, refresh) = await server.RefreshAsync(client, firstRefresh);

        AssertRevoked(await http.SendAsync(Revoke(client.Basic, ("token", refresh))));

        await AssertInvalidTokenAtSessionAsync(http, access);
        Assert.False(await server.IsLiveAsync(refresh));
        Assert.False(await server.IsLiveAsync(firstAccess));
        var refreshAgain = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [KeyValuePair.Create("grant_type", "refresh_token"), KeyValuePair.Create("refresh_token", refresh)], client.Basic));
        Assert.Equal("invalid_grant", refreshAgain.Body.GetProperty("error").GetString());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task RevokingAnAccessToken_RevokesOnlyIt(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        using var http = server.CreateClient();
        var client = await server.ClientAsync();
        var (access, refresh) = await server.SelfTokensAsync(client);

        AssertRevoked(await http.SendAsync(Revoke(client.Basic, ("token", access))));

        await AssertInvalidTokenAtSessionAsync(http, access);
        Assert.True(await server.IsLiveAsync(refresh));
        var (newAccess, _) = await server.RefreshAsync(client, refresh);
        Assert.Equal(HttpStatusCode.OK, (await http.SessionAsync(newAccess)).StatusCode);
    }

    [Fact]
    public async Task AnotherAppsToken_Is200_AndNothingChanges()
    {
        using var http = Server.CreateClient();
        var (victim, attacker) = (Client, Other);
        var (access, refresh) = await Server.SelfTokensAsync(victim);

        AssertRevoked(await http.SendAsync(Revoke(attacker.Basic, ("token", refresh))));
        AssertRevoked(await http.SendAsync(Revoke(attacker.Basic, ("token", access))));

        Assert.Equal(HttpStatusCode.OK, (await http.SessionAsync(access)).StatusCode);
        Assert.True(await Server.IsLiveAsync(refresh));
    }

    [Theory]
    [InlineData("unknown_access")]
    [InlineData("unknown_refresh")]
    [InlineData("malformed")]
    [InlineData("another_profiles_prefix")]
    [InlineData("client_secret")]
    [InlineData("authorization_code")]
    public async Task UnknownOrMalformedToken_Is200(string tokenKind)
    {
        using var http = Server.CreateClient();
        var token = tokenKind switch
        {
            "unknown_access" => TokenCodec.Mint(TokenPrefixes.Default.AccessToken),
            "unknown_refresh" => TokenCodec.Mint(TokenPrefixes.Default.RefreshToken),
            "another_profiles_prefix" => TokenCodec.Mint(TokenPrefixes.FeatureOs.AccessToken),
            "client_secret" => Client.Secret!,
            "authorization_code" => (await Server.CodeAsync(Client.App, Client.OrganizationId, Client.UserId)).Code,
            _ => "not-a-token",
        };

        AssertRevoked(await http.SendAsync(Revoke(Client.Basic, ("token", token))));
    }

    [Fact]
    public async Task AlreadyRevokedToken_Is200_AndStaysRevoked()
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);
        AssertRevoked(await http.SendAsync(Revoke(Client.Basic, ("token", access))));

        AssertRevoked(await http.SendAsync(Revoke(Client.Basic, ("token", access))));

        Assert.False(await Server.IsLiveAsync(access));
    }

    /// <summary>RFC 7009 §2.1: the hint only helps a lookup; §2.2: an invalid one is ignored.</summary>
    [Theory]
    [InlineData("access", "refresh_token")]
    [InlineData("refresh", "access_token")]
    [InlineData("access", "id_token")]
    [InlineData("refresh", "bogus")]
    public async Task WrongOrUnknownHint_StillRevokes(string which, string hint)
    {
        using var http = Server.CreateClient();
        var (access, refresh) = await Server.SelfTokensAsync(Client);
        var token = which == "access" ? access : refresh;

        AssertRevoked(await http.SendAsync(Revoke(Client.Basic, ("token", token), ("token_type_hint", hint))));

        Assert.False(await Server.IsLiveAsync(token));
    }

    [Fact]
    public async Task PublicClient_RevokesWithItsClientIdAlone()
    {
        using var http = Server.CreateClient();
        var spa = await Server.ClientAsync(isPublic: true);
        var (access, refresh) = await Server.SelfTokensAsync(spa);

        AssertRevoked(await http.SendAsync(Revoke(null, ("token", refresh), ("client_id", spa.App.ClientId))));

        await AssertInvalidTokenAtSessionAsync(http, access);
    }

    [Fact]
    public async Task ClientSecretPost_Works()
    {
        using var http = Server.CreateClient();
        var access = await Server.AppTokenAsync(Client);

        AssertRevoked(await http.SendAsync(Revoke(null, ("token", access), ("client_id", Client.App.ClientId), ("client_secret", Client.Secret!))));

        await AssertInvalidTokenAtSessionAsync(http, access);
    }

    [Fact]
    public async Task FeatureOsTokens_AreRevoked()
    {
        using var http = Server.CreateClient();
        var client = await Server.ClientAsync(ProfileName.FeatureOs);
        var (access, refresh) = await Server.SelfTokensAsync(client);
        Assert.StartsWith("foor_", refresh, StringComparison.Ordinal);

        AssertRevoked(await http.SendAsync(Revoke(client.Basic, ("token", refresh))));

        await AssertInvalidTokenAtSessionAsync(http, access);
    }

    [Theory, MemberData(nameof(TokenStyleInput.MalformedBodies), MemberType = typeof(TokenStyleInput))]
    public async Task MalformedBody_IsInvalidRequest_AndRevokesNothing(string body)
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        using var response = await http.SendAsync(TokenStyleInput.Raw(Path, "application/x-www-form-urlencoded", body.Replace("{token}", access, StringComparison.Ordinal), Client.Basic));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(await Server.IsLiveAsync(access));
    }

    [Theory, MemberData(nameof(TokenStyleInput.WrongContentTypes), MemberType = typeof(TokenStyleInput))]
    public async Task WrongContentType_IsInvalidRequest_AndRevokesNothing(string contentType, string body)
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        using var response = await http.SendAsync(TokenStyleInput.Raw(Path, contentType, body.Replace("{token}", access, StringComparison.Ordinal), Client.Basic));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(await Server.IsLiveAsync(access));
    }

    [Theory, MemberData(nameof(TokenStyleInput.WrongCredentials), MemberType = typeof(TokenStyleInput))]
    public async Task WrongClientAuthentication_IsRefused_AndRevokesNothing(string @case, HttpStatusCode status, string error)
    {
        using var http = Server.CreateClient();
        var (client, other) = (Client, Other);
        var (_, refresh) = await Server.SelfTokensAsync(client);

        using var response = await http.SendAsync(TokenStyleInput.WithWrongCredentials(Path, @case, refresh, client, other));

        await AssertErrorAsync(response, status, error);
        if (status == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        Assert.True(await Server.IsLiveAsync(refresh));
    }

    [Fact]
    public async Task ParametersInTheQueryString_AreRefused()
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        using var response = await http.SendAsync(OAuthClient.Form(Path + "?token=" + access, [], Client.Basic));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(await Server.IsLiveAsync(access));
    }

    [Theory, MemberData(nameof(TokenStyleInput.WrongMethods), MemberType = typeof(TokenStyleInput))]
    public async Task AnotherMethodThanPost_Is405(string method)
    {
        using var http = Server.CreateClient();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), Path + "?token=x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory, MemberData(nameof(TokenStyleInput.OversizedBodies), MemberType = typeof(TokenStyleInput))]
    public async Task OversizedBody_IsInvalidRequest_AndRevokesNothing(string @case)
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        using var response = await http.SendAsync(TokenStyleInput.Raw(Path, "application/x-www-form-urlencoded", TokenStyleInput.OversizedBody(@case, access), Client.Basic));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.True(await Server.IsLiveAsync(access));
    }

    [Fact]
    public async Task AFormWithACharset_IsAForm()
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        AssertRevoked(await http.SendAsync(TokenStyleInput.Raw(Path, "application/x-www-form-urlencoded; charset=utf-8", "token=" + access, Client.Basic)));

        Assert.False(await Server.IsLiveAsync(access));
    }

    /// <summary>RFC 7009 §2.1: revocation is the client's; resource-server credentials only introspect.</summary>
    [Fact]
    public async Task ResourceServerCredentials_AreNoClient_401_AndRevokeNothing()
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        await AssertErrorAsync(await http.SendAsync(Revoke(await Server.ResourceServerAsync(), ("token", access))), HttpStatusCode.Unauthorized, "invalid_client");

        Assert.True(await Server.IsLiveAsync(access));
    }

    [Fact]
    public async Task APublicClient_PresentingAnotherAppsToken_Is200_AndNothingChanges()
    {
        using var http = Server.CreateClient();
        var spa = await Server.ClientAsync(isPublic: true);
        var (access, refresh) = await Server.SelfTokensAsync(Client);

        AssertRevoked(await http.SendAsync(Revoke(null, ("token", refresh), ("client_id", spa.App.ClientId))));

        Assert.True(await Server.IsLiveAsync(access));
        Assert.True(await Server.IsLiveAsync(refresh));
    }

    [Fact]
    public async Task AnExpiredAccessToken_Is200()
    {
        using var http = Server.CreateClient();
        var client = await Server.ClientAsync();
        var expired = await Server.ExpiredAccessTokenAsync(client);

        AssertRevoked(await http.SendAsync(Revoke(client.Basic, ("token", expired))));

        Assert.False(await Server.IsLiveAsync(expired));
    }

    /// <summary>RFC 7009 §2.1: a refresh token, even one already exchanged, stands for its grant; the grant's current tokens go too.</summary>
    [Fact]
    public async Task ARotatedRefreshToken_Is200_AndRevokesItsFamily()
    {
        using var http = Server.CreateClient();
        var (_, rotated) = await Server.SelfTokensAsync(Client);
        var (access, refresh) = await Server.RefreshAsync(Client, rotated);

        AssertRevoked(await http.SendAsync(Revoke(Client.Basic, ("token", rotated))));

        await AssertInvalidTokenAtSessionAsync(http, access);
        Assert.False(await Server.IsLiveAsync(refresh));
    }

    [Fact]
    public async Task AnUninstalledInstallationsToken_Is200()
    {
        using var http = Server.CreateClient();
        var client = await Server.ClientAsync();
        var (access, refresh) = await Server.SelfTokensAsync(client);
        var installation = await Server.WithDbAsync(db => db.Installations.SingleAsync(i => i.AppId == client.App.Id));
        await Server.WithScopeAsync(s => s.GetRequiredService<Latchkey.Installations.InstallationStore>().RevokeAsync(installation.Id, default));

        AssertRevoked(await http.SendAsync(Revoke(client.Basic, ("token", refresh))));
        AssertRevoked(await http.SendAsync(Revoke(client.Basic, ("token", access))));

        Assert.False(await Server.IsLiveAsync(access));
    }

    /// <summary>Revocation takes the installation's lock like a rotation does: whichever commits first, nothing of the family stays live.</summary>
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task RevocationRacingRefreshes_LeavesNothingLive(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var client = await server.ClientAsync();
        using var http = server.CreateClient();
        for (var round = 0; round < 10; round++)
        {
            var (_, refresh) = await server.SelfTokensAsync(client);
            (string, string)[] exchange = [("grant_type", "refresh_token"), ("refresh_token", refresh)];

            var results = await TokenRace.RaceAsync(server, client.Basic, [exchange, exchange], async () =>
                AssertRevoked(await http.SendAsync(Revoke(client.Basic, ("token", refresh)))));

            foreach (var issued in results.Where(r => r.Status == HttpStatusCode.OK).Select(r => r.Body))
            {
                Assert.False(await server.IsLiveAsync(issued.GetProperty("access_token").GetString()!));
                Assert.False(await server.IsLiveAsync(issued.GetProperty("refresh_token").GetString()!));
            }
            Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.OK || r.Body.GetProperty("error").GetString() == "invalid_grant"));
        }
    }

    [Fact]
    public async Task Response_HasAnEmptyBody()
    {
        using var http = Server.CreateClient();

        using var response = await http.SendAsync(Revoke(Client.Basic, ("token", "anything")));

        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }
}
