using System.Text.Json;
using Latchkey.Installations;
using Latchkey.Profiles;
using Latchkey.ResourceServers;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Protocol;

/// <summary>POST /oauth/introspect (RFC 7662 §2), for resource servers and for apps asking about their own tokens.</summary>
public sealed class IntrospectionEndpointTests(TokenServer shared) : IClassFixture<TokenServer>
{
    private const string Path = "/oauth/introspect";
    private LatchkeyTestServer Server => shared.Server;
    private TestClient Client => shared.Client;
    private TestClient Other => shared.Other;

    private static Task<HttpResponseMessage> Introspect(HttpClient http, (string, string)? basic, string token, params (string Key, string Value)[] extra) =>
        http.SendAsync(OAuthClient.Form(Path, [KeyValuePair.Create("token", token), .. extra.Select(f => KeyValuePair.Create(f.Key, f.Value))], basic));

    private static async Task<JsonElement> AssertActiveAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("active").GetBoolean(), body.ToString());
        return body;
    }

    /// <summary>RFC 7662 §2.2: nothing about an inactive token but that it is inactive.</summary>
    private static async Task AssertInactiveAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"active":false}""", await response.Content.ReadAsStringAsync());
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(error, (await response.JsonAsync()).GetProperty("error").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        if (status == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ActorSelfAccessToken_ForAResourceServer_FieldByField(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        using var http = server.CreateClient();
        var client = await server.ClientAsync();
        var resourceServer = await server.ResourceServerAsync();
        var before = Now;
        var (access, _) = await server.SelfTokensAsync(client);
        var installation = await server.WithDbAsync(db => db.Installations.SingleAsync(i => i.AppId == client.App.Id));

        var body = await AssertActiveAsync(await Introspect(http, resourceServer, access));

        Assert.Equal(["active", "scope", "client_id", "token_type", "exp", "iat", "sub", "iss", "org", "actor", "installation"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(SeedTokens.Scopes, body.GetProperty("scope").GetString());
        Assert.Equal(client.App.ClientId, body.GetProperty("client_id").GetString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        var iat = body.GetProperty("iat").GetInt64();
        Assert.InRange(iat, before, Now);
        Assert.Equal(iat + 86400, body.GetProperty("exp").GetInt64());
        Assert.Equal(client.UserId.ToString(), body.GetProperty("sub").GetString());
        Assert.Equal("http://localhost", body.GetProperty("iss").GetString());
        Assert.Equal(client.OrganizationId.ToString(), body.GetProperty("org").GetString());
        Assert.Equal("self", body.GetProperty("actor").GetString());
        Assert.Equal(installation.Id.ToString(), body.GetProperty("installation").GetString());
    }


    /// <summary>
    /// Many introspections at once, each of one of several apps' tokens or of an unknown one, each answered about its own
    /// token: the lookup's kept connections and prepared statements (<c>HotPathReads</c>) serve one request at a time
    /// (with one connection shared by all, 420 requests fail here).
    /// </summary>
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ParallelIntrospections_EachAnswerAboutItsOwnToken(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        using var http = server.CreateClient();
        var resourceServer = await server.ResourceServerAsync();
        var tokens = new List<(string Token, string? ClientId)>();
        for (var i = 0; i < 6; i++)
        {
            var client = await server.ClientAsync();
            tokens.Add((await server.AppTokenAsync(client), client.App.ClientId));
        }
        tokens.Add((TokenCodec.Mint("lkat_"), null));

        var asked = Enumerable.Range(0, 60).SelectMany(_ => tokens).ToList();
        var answers = await Task.WhenAll(asked.Select(async t =>
        {
            using var response = await Introspect(http, resourceServer, t.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            return body.TryGetProperty("client_id", out var clientId) ? clientId.GetString() : null;
        }));

        Assert.Equal(asked.Select(t => t.ClientId), answers);
    }
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ActorAppAccessToken_ForAResourceServer_FieldByField(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        using var http = server.CreateClient();
        var client = await server.ClientAsync();
        var resourceServer = await server.ResourceServerAsync();
        var before = Now;
        var access = await server.AppTokenAsync(client);
        var installation = await server.WithDbAsync(db => db.Installations.SingleAsync(i => i.AppId == client.App.Id));

        var body = await AssertActiveAsync(await Introspect(http, resourceServer, access));

        Assert.Equal(["active", "scope", "client_id", "token_type", "exp", "iat", "sub", "iss", "org", "actor", "installation"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(SeedTokens.Scopes, body.GetProperty("scope").GetString());
        Assert.Equal(client.App.ClientId, body.GetProperty("client_id").GetString());
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        var iat = body.GetProperty("iat").GetInt64();
        Assert.InRange(iat, before, Now);
        Assert.Equal(iat + 86400, body.GetProperty("exp").GetInt64());
        Assert.Equal($"app:{client.App.ClientId}", body.GetProperty("sub").GetString());
        Assert.Equal("http://localhost", body.GetProperty("iss").GetString());
        Assert.Equal(client.OrganizationId.ToString(), body.GetProperty("org").GetString());
        Assert.Equal("app", body.GetProperty("actor").GetString());
        Assert.Equal(installation.Id.ToString(), body.GetProperty("installation").GetString());
        Assert.Equal(Installation.AppActorKey, installation.ActorKey);
    }

    [Fact]
    public async Task TheApp_SeesItsOwnAccessToken()
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        var body = await AssertActiveAsync(await Introspect(http, Client.Basic, access));

        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(Client.UserId.ToString(), body.GetProperty("sub").GetString());
    }

    [Fact]
    public async Task TheApp_SeesItsOwnRefreshToken_AsARefreshToken()
    {
        using var http = Server.CreateClient();
        var (_, refresh) = await Server.SelfTokensAsync(Client);

        var body = await AssertActiveAsync(await Introspect(http, null, refresh, ("client_id", Client.App.ClientId), ("client_secret", Client.Secret!)));

        Assert.Equal("refresh_token", body.GetProperty("token_type").GetString());
        Assert.Equal(Client.App.ClientId, body.GetProperty("client_id").GetString());
        Assert.False(body.TryGetProperty("exp", out _), "a refresh token lives until rotated or revoked");
    }

    [Fact]
    public async Task FeatureOsAccessToken_IsActiveForAResourceServer()
    {
        using var http = Server.CreateClient();
        var client = await Server.ClientAsync(ProfileName.FeatureOs);
        var (access, _) = await Server.SelfTokensAsync(client);
        Assert.StartsWith("foot_", access, StringComparison.Ordinal);

        var body = await AssertActiveAsync(await Introspect(http, await Server.ResourceServerAsync(), access));

        Assert.Equal(client.App.ClientId, body.GetProperty("client_id").GetString());
    }

    /// <summary>RFC 7662 §2.1: the hint may be ignored; a wrong one must not hide the token.</summary>
    [Theory]
    [InlineData("refresh_token")]
    [InlineData("bogus")]
    public async Task WrongOrUnknownHint_IsIgnored(string hint)
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        await AssertActiveAsync(await Introspect(http, await Server.ResourceServerAsync(), access, ("token_type_hint", hint)));
    }

    [Fact]
    public async Task ResourceServerIntrospection_RecordsTheInstallationAsUsed()
    {
        using var http = Server.CreateClient();
        var access = await Server.AppTokenAsync(Other);
        var installation = await Server.WithDbAsync(db => db.Installations.SingleAsync(i => i.AppId == Other.App.Id && i.RevokedAt == null));

        await AssertActiveAsync(await Introspect(http, await Server.ResourceServerAsync(), access));

        var used = await Server.WithDbAsync(db => db.Installations.Where(i => i.Id == installation.Id).Select(i => i.LastUsedAt).SingleAsync());
        Assert.NotNull(used);
    }

    public static TheoryData<string> DeadTokens =>
    [
        "revoked", "expired", "replaced_by_refresh", "rotated_refresh", "unknown", "malformed", "broken_checksum",
        "uninstalled", "refresh_token_for_a_resource_server", "another_apps_access_token", "another_apps_refresh_token",
        "suspended_app", "authorization_code", "consumed_authorization_code", "client_secret", "another_profiles_unknown_token",
        "oversized_lookalike",
    ];

    [Theory, MemberData(nameof(DeadTokens))]
    public async Task DeadOrForeignToken_IsExactlyActiveFalse(string dead)
    {
        using var http = Server.CreateClient();
        var resourceServer = await Server.ResourceServerAsync();
        var (access, refresh) = await Server.SelfTokensAsync(Client);
        (string Token, (string, string) Caller) asked = dead switch
        {
            "revoked" => (await RevokedAsync(http, access, Client.Basic), resourceServer),
            "expired" => (await Server.ExpiredAccessTokenAsync(Client), resourceServer),
            "replaced_by_refresh" => (await RefreshedAway(access, refresh), resourceServer),
            "rotated_refresh" => (await RefreshedAway(refresh, refresh), Client.Basic),
            "unknown" => (TokenCodec.Mint(TokenPrefixes.Default.AccessToken), resourceServer),
            "malformed" => ("not-a-token", resourceServer),
            "broken_checksum" => (access[..^1] + (access[^1] == 'a' ? 'b' : 'a'), resourceServer),
            "uninstalled" => (await UninstalledAsync(access), resourceServer),
            "refresh_token_for_a_resource_server" => (refresh, resourceServer),
            "another_apps_access_token" => (access, Other.Basic),
            "another_apps_refresh_token" => (refresh, Other.Basic),
            "suspended_app" => (await SuspendedAppsTokenAsync(), resourceServer),
            "authorization_code" => ((await Server.CodeAsync(Client.App, Client.OrganizationId, Client.UserId)).Code, resourceServer),
            "consumed_authorization_code" => (await ConsumedCodeAsync(), Client.Basic),
            "client_secret" => (Client.Secret!, resourceServer),
            "another_profiles_unknown_token" => (TokenCodec.Mint(TokenPrefixes.FeatureOs.AccessToken), resourceServer),
            "oversized_lookalike" => (access + new string('a', 4000), resourceServer),
            _ => throw new ArgumentOutOfRangeException(nameof(dead)),
        };

        await AssertInactiveAsync(await Introspect(http, asked.Caller, asked.Token));
    }

    private async Task<string> SuspendedAppsTokenAsync()
    {
        var client = await Server.ClientAsync();
        var (access, _) = await Server.SelfTokensAsync(client);
        await Server.WithDbAsync(db => db.Apps.Where(a => a.Id == client.App.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, Latchkey.Apps.AppStatus.Suspended)));
        return access;
    }

    private async Task<string> ConsumedCodeAsync()
    {
        var (_, code) = await Server.CodeAsync(Client.App, Client.OrganizationId, Client.UserId);
        using var http = Server.CreateClient();
        var (status, _, response) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", SeedTokens.Callback)], Client.Basic));
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        return code;
    }

    private static async Task<string> RevokedAsync(HttpClient http, string token, (string, string) client)
    {
        using var response = await http.SendAsync(OAuthClient.Form("/oauth/revoke", [KeyValuePair.Create("token", token)], client));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return token;
    }

    private async Task<string> RefreshedAway(string token, string refresh)
    {
        await Server.RefreshAsync(Client, refresh);
        return token;
    }

    private async Task<string> UninstalledAsync(string token)
    {
        var installation = await Server.WithDbAsync(db => db.Installations
            .SingleAsync(i => i.AppId == Client.App.Id && i.UserId == Client.UserId && i.RevokedAt == null));
        await Server.WithScopeAsync(s => s.GetRequiredService<InstallationStore>().RevokeAsync(installation.Id, default));
        return token;
    }

    [Fact]
    public async Task NoCredentials_Is401_InvalidClient()
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        await AssertErrorAsync(await Introspect(http, null, access), HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Theory]
    [InlineData("wrong_secret")]
    [InlineData("unknown_id")]
    [InlineData("malformed_secret")]
    [InlineData("app_secret")]
    [InlineData("empty_secret")]
    [InlineData("revoked")]
    [InlineData("wrong_secret_in_the_body")]
    public async Task WrongResourceServerCredentials_Are401(string wrong)
    {
        using var http = Server.CreateClient();
        var (id, secret) = await Server.ResourceServerAsync();
        var (access, _) = await Server.SelfTokensAsync(Client);
        if (wrong == "revoked")
        {
            await Server.WithDbAsync(db => db.ResourceServers.Where(r => r.ClientId == id)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.RevokedAt, DateTimeOffset.UtcNow)));
        }
        // In the body (client_secret_post) the same checks apply as in the Basic header.
        using var response = wrong == "wrong_secret_in_the_body"
            ? await Introspect(http, null, access, ("client_id", id), ("client_secret", TokenCodec.Mint("lkrss_")))
            : await Introspect(http, wrong switch
            {
                "wrong_secret" => (id, TokenCodec.Mint("lkrss_")),
                "unknown_id" => (TokenCodec.Mint("lkrs_"), secret),
                "malformed_secret" => (id, secret[..^1]),
                "empty_secret" => (id, ""),
                "revoked" => (id, secret),
                _ => (id, Client.Secret!),
            }, access);

        await AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    /// <summary>
    /// Resource-server rows are kept a second (<see cref="ResourceServerCache"/>): a revocation is seen once the row read
    /// before it is that old, and a kept row never spares the secret check.
    /// </summary>
    [Fact]
    public async Task RevokedResourceServer_IsRefusedWithinASecond_AndAKeptRowStillChecksTheSecret()
    {
        var clock = new ManualClock();
        await using var server = await LatchkeyTestServer.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        using var http = server.CreateClient();
        var (access, _) = await server.SelfTokensAsync(await server.ClientAsync());
        var (id, secret) = await server.ResourceServerAsync();
        await AssertActiveAsync(await Introspect(http, (id, secret), access));

        await AssertErrorAsync(await Introspect(http, (id, TokenCodec.Mint("lkrss_")), access), HttpStatusCode.Unauthorized, "invalid_client");
        await server.WithDbAsync(db => db.ResourceServers.Where(r => r.ClientId == id)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.RevokedAt, clock.GetUtcNow())));
        clock.Advance(ResourceServerCache.Lifetime - TimeSpan.FromMilliseconds(1));
        await AssertActiveAsync(await Introspect(http, (id, secret), access));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await AssertErrorAsync(await Introspect(http, (id, secret), access), HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task ResourceServerCredentials_WithClientCredentialsInTheBody_AreInvalidRequest()
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        await AssertErrorAsync(await Introspect(http, await Server.ResourceServerAsync(), access, ("client_id", Client.App.ClientId)),
            HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task PublicClient_CannotIntrospect()
    {
        using var http = Server.CreateClient();
        var spa = await Server.ClientAsync(isPublic: true);
        var (access, _) = await Server.SelfTokensAsync(spa);

        await AssertErrorAsync(await Introspect(http, null, access, ("client_id", spa.App.ClientId)), HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Theory, MemberData(nameof(TokenStyleInput.WrongCredentials), MemberType = typeof(TokenStyleInput))]
    public async Task WrongClientAuthentication_IsRefused(string @case, HttpStatusCode status, string error)
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        await AssertErrorAsync(await http.SendAsync(TokenStyleInput.WithWrongCredentials(Path, @case, access, Client, Other)), status, error);
    }

    [Theory, MemberData(nameof(TokenStyleInput.MalformedBodies), MemberType = typeof(TokenStyleInput))]
    public async Task MalformedBody_IsInvalidRequest(string body)
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        await AssertErrorAsync(await http.SendAsync(TokenStyleInput.Raw(Path, "application/x-www-form-urlencoded",
            body.Replace("{token}", access, StringComparison.Ordinal), await Server.ResourceServerAsync())), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory, MemberData(nameof(TokenStyleInput.WrongContentTypes), MemberType = typeof(TokenStyleInput))]
    public async Task WrongContentType_IsInvalidRequest(string contentType, string body)
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        await AssertErrorAsync(await http.SendAsync(TokenStyleInput.Raw(Path, contentType, body.Replace("{token}", access, StringComparison.Ordinal), Client.Basic)),
            HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task ParametersInTheQueryString_AreRefused()
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        await AssertErrorAsync(await http.SendAsync(OAuthClient.Form(Path + "?token=" + access, [], Client.Basic)), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory, MemberData(nameof(TokenStyleInput.WrongMethods), MemberType = typeof(TokenStyleInput))]
    public async Task AnotherMethodThanPost_Is405(string method)
    {
        using var http = Server.CreateClient();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), Path + "?token=x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory, MemberData(nameof(TokenStyleInput.OversizedBodies), MemberType = typeof(TokenStyleInput))]
    public async Task OversizedBody_IsInvalidRequest(string @case)
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        await AssertErrorAsync(await http.SendAsync(TokenStyleInput.Raw(Path, "application/x-www-form-urlencoded",
            TokenStyleInput.OversizedBody(@case, access), await Server.ResourceServerAsync())), HttpStatusCode.BadRequest, "invalid_request");
    }
}
