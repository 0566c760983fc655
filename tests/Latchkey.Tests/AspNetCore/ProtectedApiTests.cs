using System.Text.Json;
using Latchkey.AspNetCore;
using Latchkey.Installations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;

namespace Latchkey.Tests.AspNetCore;

/// <summary>
/// samples/SampleApi behind Latchkey.AspNetCore, in each validation mode (the derived classes): who a good token is,
/// RFC 6750 §3.1's answers to bad ones, FeatureOS's 403 body (FACTS.md "FeatureOS"), that garbage costs no lookup, and
/// that Latchkey's real revocation feed ends a cached token within a second and misses nothing across a dropped stream.
/// </summary>
public abstract class ProtectedApiTests(ProtectedApiFixture fixture)
{
    protected LatchkeyTestServer Latchkey => fixture.Latchkey;
    protected ProtectedApi Api => fixture.Api;

    [Fact]
    public async Task SessionInfo_SelfToken_IsTheUserInTheOrganization()
    {
        var client = await Latchkey.ClientAsync();
        var (access, _) = await Latchkey.SelfTokensAsync(client);
        using var http = Api.CreateClient();

        var response = await http.SendAsync(ProtectedApi.Request(HttpMethod.Get, "/api/session_info", access));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        var installation = await Latchkey.WithDbAsync(db => Task.FromResult(db.Installations.Single(i => i.AppId == client.App.Id && i.RevokedAt == null)));
        Assert.Equal(client.UserId.ToString(), body.GetProperty("subject").GetString());
        Assert.Equal("self", body.GetProperty("actor").GetString());
        Assert.Equal(client.OrganizationId.ToString(), body.GetProperty("organization").GetString());
        Assert.Equal(client.App.ClientId, body.GetProperty("clientId").GetString());
        Assert.Equal(installation.Id.ToString(), body.GetProperty("installation").GetString());
        Assert.Equal(["posts:read", "posts:write"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task SessionInfo_AppToken_IsTheAppsBot()
    {
        var client = await Latchkey.ClientAsync();
        var access = await Latchkey.AppTokenAsync(client);
        using var http = Api.CreateClient();

        var body = await (await http.SendAsync(ProtectedApi.Request(HttpMethod.Get, "/api/session_info", access))).JsonAsync();

        Assert.Equal($"app:{client.App.ClientId}", body.GetProperty("subject").GetString());
        Assert.Equal("app", body.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task FeatureOsToken_IsAccepted()
    {
        var client = await Latchkey.ClientAsync(global::Latchkey.Profiles.ProfileName.FeatureOs);
        var (access, _) = await Latchkey.SelfTokensAsync(client);

        Assert.StartsWith("foot_", access, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(access));
    }

    [Fact]
    public async Task Posts_WrittenWithWriteScope_AreReadBackInTheSameOrganizationOnly()
    {
        var client = await Latchkey.ClientAsync();
        var other = await Latchkey.AppTokenAsync(await Latchkey.ClientAsync());
        var (access, _) = await Latchkey.SelfTokensAsync(client);
        using var http = Api.CreateClient();

        var created = await http.SendAsync(ProtectedApi.Request(HttpMethod.Post, "/api/posts", access, new { title = "Dark mode" }));
        var mine = await (await http.SendAsync(ProtectedApi.Request(HttpMethod.Get, "/api/posts", access))).JsonAsync();
        var theirs = await (await http.SendAsync(ProtectedApi.Request(HttpMethod.Get, "/api/posts", other))).JsonAsync();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("Dark mode", Assert.Single(mine.EnumerateArray()).GetProperty("title").GetString());
        Assert.Empty(theirs.EnumerateArray());
    }

    [Fact]
    public async Task Post_WithoutWriteScope_Is403InsufficientScopeWithFeatureOsBody()
    {
        var client = await Latchkey.ClientAsync();
        var readOnly = await TokenWithScopeAsync(client, "posts:read");
        using var http = Api.CreateClient();

        var response = await http.SendAsync(ProtectedApi.Request(HttpMethod.Post, "/api/posts", readOnly, new { title = "x" }));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer error=\"insufficient_scope\"", challenge, StringComparison.Ordinal);
        Assert.Contains("scope=\"posts:write\"", challenge, StringComparison.Ordinal);
        Assert.Equal("""{"message":"Missing required OAuth scope: posts:write","status":403,"success":false}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NoToken_Is401WithoutErrorCode()
    {
        using var http = Api.CreateClient();

        var response = await http.SendAsync(ProtectedApi.Request(HttpMethod.Get, "/api/posts", token: null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    public static TheoryData<string> DeadTokens => ["expired", "revoked", "uninstalled", "unknown", "refresh", "wrong-prefix", "bad-checksum", "truncated"];

    [Theory, MemberData(nameof(DeadTokens))]
    public async Task DeadOrMalformedToken_Is401InvalidToken(string kind)
    {
        var token = await TokenAsync(kind);
        using var http = Api.CreateClient();

        var response = await http.SendAsync(ProtectedApi.Request(HttpMethod.Get, "/api/posts", token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var body = await response.JsonAsync();
        Assert.Equal(401, body.GetProperty("status").GetInt32());
        Assert.False(body.GetProperty("success").GetBoolean());
    }

    [Theory]
    [InlineData("refresh")]
    [InlineData("wrong-prefix")]
    [InlineData("bad-checksum")]
    [InlineData("truncated")]
    public async Task MalformedToken_IsRefusedWithoutAnyLookup(string kind)
    {
        var token = await TokenAsync(kind);
        using var http = Api.CreateClient();
        var before = Api.Backchannel.Introspections;

        await http.SendAsync(ProtectedApi.Request(HttpMethod.Get, "/api/posts", token));

        Assert.Equal(before, Api.Backchannel.Introspections);
    }

    [Fact]
    public async Task ApiKeyHeader_IsNotReadUnlessEnabled()
    {
        var (access, _) = await Latchkey.SelfTokensAsync(await Latchkey.ClientAsync());
        using var http = Api.CreateClient();
        var request = ProtectedApi.Request(HttpMethod.Get, "/api/posts", token: null);
        request.Headers.Add(LatchkeyDefaults.ApiKeyHeader, access);

        var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task RevokedToken_CachedWhileTheFeedIsUp_IsRefusedWithinOneSecond()
    {
        var client = await Latchkey.ClientAsync();
        var (access, _) = await Latchkey.SelfTokensAsync(client);
        await CachedAsync(access);

        await RevokeAsync(client, access);

        await Api.RefusedWithinAsync(TimeSpan.FromSeconds(1), access);
    }

    [Fact]
    public async Task UninstalledToken_CachedWhileTheFeedIsUp_IsRefusedWithinOneSecond()
    {
        var client = await Latchkey.ClientAsync();
        var access = await Latchkey.AppTokenAsync(client);
        await CachedAsync(access);

        await UninstallAsync(client);

        await Api.RefusedWithinAsync(TimeSpan.FromSeconds(1), access);
    }

    [Fact]
    public async Task DeletedApp_CachedTokens_AreRefusedWithinOneSecond()
    {
        var client = await Latchkey.ClientAsync();
        var (self, _) = await Latchkey.SelfTokensAsync(client);
        var bot = await Latchkey.AppTokenAsync(client);
        await CachedAsync(self);
        await CachedAsync(bot);

        await Latchkey.WithScopeAsync(async services =>
        {
            var registry = services.GetRequiredService<Latchkey.Apps.AppRegistry>();
            await registry.DeleteAsync((await registry.FindAsync(client.OrganizationId, client.App.ClientId, default))!, default);
            return true;
        });

        await Api.RefusedWithinAsync(TimeSpan.FromSeconds(1), self);
        await Api.RefusedWithinAsync(TimeSpan.FromSeconds(1), bot);
    }

    /// <summary>
    /// The fixtures trust cached tokens for minutes even while the feed is down, so here only the feed's replay
    /// (from the <c>Last-Event-ID</c> the subscriber resumes with) can end a token revoked while it was away.
    /// </summary>
    [Fact]
    public async Task FeedDroppedAndBack_RevocationWhileAway_IsStillApplied()
    {
        var client = await Latchkey.ClientAsync();
        var (access, _) = await Latchkey.SelfTokensAsync(client);
        await CachedAsync(access);
        var subscriptions = fixture.Feed.LastEventIds.Count;

        fixture.Feed.Block();
        fixture.Feed.Drop();
        await Eventually.TrueAsync(() => !Api.Cache.IsConfirmed);
        await RevokeAsync(client, access);
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(access));
        fixture.Feed.Unblock();
        await Eventually.TrueAsync(() => Api.Cache.IsConfirmed);

        Assert.Equal(HttpStatusCode.Unauthorized, await Api.ReadPostsAsync(access));
        Assert.NotNull(fixture.Feed.LastEventIds[subscriptions]);
    }

    /// <summary>Accepted, then accepted from the cache with the feed up: what a revocation must undo.</summary>
    private async Task CachedAsync(string access)
    {
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(access));
        Assert.True(Api.Cache.IsConfirmed);
    }

    private async Task RevokeAsync(TestClient client, string access)
    {
        using var http = Latchkey.CreateClient();
        var response = await http.SendAsync(OAuthClient.Form("/oauth/revoke", [KeyValuePair.Create("token", access)], client.Basic));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<string> TokenAsync(string kind)
    {
        var client = await Latchkey.ClientAsync();
        switch (kind)
        {
            case "expired":
                return await Latchkey.ExpiredAccessTokenAsync(client);
            case "revoked":
            {
                var (access, _) = await Latchkey.SelfTokensAsync(client);
                await RevokeAsync(client, access);
                return access;
            }
            case "uninstalled":
            {
                var access = await Latchkey.AppTokenAsync(client);
                await UninstallAsync(client);
                return access;
            }
            case "unknown":
                return TokenCodec.Mint(TokenPrefixes.Default.AccessToken);
            case "refresh":
                return (await Latchkey.SelfTokensAsync(client)).Refresh;
            case "wrong-prefix":
                return "xyat_" + (await Latchkey.AppTokenAsync(client))["lkat_".Length..];
            case "bad-checksum":
            {
                var access = await Latchkey.AppTokenAsync(client);
                return access[..^1] + (access[^1] == 'A' ? 'B' : 'A');
            }
            case "truncated":
                return (await Latchkey.AppTokenAsync(client))[..^1];
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private Task<bool> UninstallAsync(TestClient client) =>
        Latchkey.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<Latchkey.Storage.LatchkeyDbContext>();
            foreach (var id in db.Installations.Where(i => i.AppId == client.App.Id && i.RevokedAt == null).Select(i => i.Id).ToList())
            {
                await services.GetRequiredService<InstallationStore>().RevokeAsync(id, default);
            }
            return true;
        });

    protected async Task<string> TokenWithScopeAsync(TestClient client, string scope)
    {
        using var http = Latchkey.CreateClient();
        var (status, body, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [KeyValuePair.Create("grant_type", "client_credentials"), KeyValuePair.Create("scope", scope)], client.Basic));
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("access_token").GetString()!;
    }
}
