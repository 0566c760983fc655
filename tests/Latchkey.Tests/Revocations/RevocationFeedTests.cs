using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;

namespace Latchkey.Tests.Revocations;

/// <summary>A server whose feed sends keep-alives often enough to see one, with resource-server credentials.</summary>
public sealed class FeedServer : IAsyncLifetime
{
    public LatchkeyTestServer Server { get; private set; } = null!;
    public (string Id, string Secret) ResourceServer { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Server = await LatchkeyTestServer.StartAsync(settings: new Dictionary<string, string?> { ["Latchkey:Revocations:KeepAlive"] = "00:00:00.200" });
        ResourceServer = await Server.ResourceServerAsync();
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// <c>GET /oauth/revocations</c>: every way a live access token can die early reaches a subscriber within a second,
/// and a subscriber that reconnects from its cursor misses nothing (README "Revocation feed").
/// </summary>
public sealed class RevocationFeedTests(FeedServer fixture) : IClassFixture<FeedServer>
{
    private static readonly TimeSpan WithinASecond = TimeSpan.FromSeconds(1);

    private LatchkeyTestServer Server => fixture.Server;

    public enum Revoke { AccessToken, RefreshToken, Rotation, NewTokenSet, Uninstall }

    [Theory]
    [InlineData(Revoke.AccessToken, "token")]
    [InlineData(Revoke.RefreshToken, "installation")]
    [InlineData(Revoke.Rotation, "installation")]
    [InlineData(Revoke.NewTokenSet, "installation")]
    [InlineData(Revoke.Uninstall, "installation")]
    public async Task EveryEarlyEnd_IsPublishedWithinASecond(Revoke how, string kind)
    {
        var client = await Server.ClientAsync();
        var (access, refresh) = await Server.SelfTokensAsync(client);
        var installationId = await InstallationOfAsync(access);
        using var http = Server.CreateClient();
        await using var feed = await FeedSubscriber.ConnectAsync(http, fixture.ResourceServer);
        await feed.ReadyAsync();

        await RevokeAsync(how, client, access, refresh, installationId);

        var revoked = await NextAboutAsync(feed, "installation_id", installationId.ToString());
        Assert.Equal(kind, revoked.Kind);
        Assert.Equal(client.App.ClientId, revoked.Member("client_id"));
        Assert.Equal(how == Revoke.AccessToken ? Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(access))) : null, revoked.Member("token_hash"));
        Assert.False(await Server.IsLiveAsync(access));
    }

    [Fact]
    public async Task RefreshReuse_RevokesTheFamily_AndIsPublished()
    {
        var client = await Server.ClientAsync();
        var (_, refresh) = await Server.SelfTokensAsync(client);
        var (rotatedAccess, _) = await Server.RefreshAsync(client, refresh);
        using var http = Server.CreateClient();
        await using var feed = await FeedSubscriber.ConnectAsync(http, fixture.ResourceServer);
        await feed.ReadyAsync();

        using var reuse = await http.SendAsync(OAuthClient.Form("/oauth/token", [new("grant_type", "refresh_token"), new("refresh_token", refresh)], client.Basic));

        Assert.Equal(HttpStatusCode.BadRequest, reuse.StatusCode);
        Assert.Equal("installation", (await NextAboutAsync(feed, "installation_id", (await InstallationOfAsync(rotatedAccess)).ToString())).Kind);
        Assert.False(await Server.IsLiveAsync(rotatedAccess));
    }

    [Fact]
    public async Task AppDeletion_IsPublishedWithItsClientId()
    {
        var client = await Server.ClientAsync();
        var access = await Server.AppTokenAsync(client);
        using var http = Server.CreateClient();
        await using var feed = await FeedSubscriber.ConnectAsync(http, fixture.ResourceServer);
        await feed.ReadyAsync();

        await Server.WithScopeAsync(async services =>
        {
            var registry = services.GetRequiredService<AppRegistry>();
            await registry.DeleteAsync((await registry.FindAsync(client.OrganizationId, client.App.ClientId, default))!, default);
            return true;
        });

        var revoked = await NextAboutAsync(feed, "client_id", client.App.ClientId);
        Assert.Equal(("app", null), (revoked.Kind, revoked.Member("installation_id")));
        Assert.False(await Server.IsLiveAsync(access));
    }

    [Fact]
    public async Task Reconnecting_FromTheCursor_DeliversWhatWasMissed_BeforeReady()
    {
        using var http = Server.CreateClient();
        string cursor;
        await using (var first = await FeedSubscriber.ConnectAsync(http, fixture.ResourceServer))
        {
            cursor = (await first.ReadyAsync())[^1].Id!;
        }
        var missed = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var client = await Server.ClientAsync();
            var (access, _) = await Server.SelfTokensAsync(client);
            missed.Add(await InstallationOfAsync(access));
            await RevokeAsync(Revoke.Uninstall, client, access, "", missed[^1]);
        }

        await using var resumed = await FeedSubscriber.ConnectAsync(http, fixture.ResourceServer, lastEventId: cursor);
        var events = await resumed.ReadyAsync();

        var replayed = events.Where(e => e.Type == "revoked").Select(e => e.Member("installation_id")).ToList();
        Assert.All(missed, id => Assert.Contains(id.ToString(), replayed));
        Assert.True(long.Parse(events[^1].Id!) >= long.Parse(cursor) + 3, "ready names the newest entry as the cursor");
    }

    [Fact]
    public async Task AfterParameter_ResumesLikeLastEventId()
    {
        var client = await Server.ClientAsync();
        var (access, refresh) = await Server.SelfTokensAsync(client);
        using var http = Server.CreateClient();
        string cursor;
        await using (var first = await FeedSubscriber.ConnectAsync(http, fixture.ResourceServer))
        {
            cursor = (await first.ReadyAsync())[^1].Id!;
        }
        await RevokeAsync(Revoke.AccessToken, client, access, refresh, Guid.Empty);

        await using var resumed = await FeedSubscriber.ConnectAsync(http, fixture.ResourceServer, lastEventId: "0", query: "?after=" + cursor);

        Assert.Contains((await resumed.ReadyAsync()), e => e.Kind == "token");
    }

    [Fact]
    public async Task ACursorBeyondTheHead_GetsReset()
    {
        using var http = Server.CreateClient();
        await using var feed = await FeedSubscriber.ConnectAsync(http, fixture.ResourceServer, lastEventId: long.MaxValue.ToString());

        var events = await feed.ReadyAsync();

        Assert.Equal(["reset", "ready"], events.Select(e => e.Type));
    }

    [Fact]
    public async Task IdleStream_SendsKeepAlives()
    {
        using var http = Server.CreateClient();
        using var response = await http.SendAsync(FeedSubscriber.Request(fixture.ResourceServer), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        string? line;
        while ((line = await reader.ReadLineAsync(timeout.Token)) != ": keep-alive")
        {
            Assert.NotNull(line);
        }
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    public static TheoryData<string?> NotAResourceServer => new()
    {
        (string?)null,
        "Bearer lkat_x",
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("lkrs_unknown:lkrss_wrong")),
        "Basic not-base64!",
    };

    [Theory, MemberData(nameof(NotAResourceServer))]
    public async Task WithoutResourceServerCredentials_Is401(string? authorization)
    {
        using var http = Server.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/oauth/revocations");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var (status, body, response) = await http.ExchangeAsync(request);

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (status, body.GetProperty("error").GetString()));
        Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task AnAppsOwnCredentials_Are401()
    {
        var client = await Server.ClientAsync();
        using var http = Server.CreateClient();

        var (status, _, _) = await http.ExchangeAsync(FeedSubscriber.Request(client.Basic));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [InlineData("?after=abc", null)]
    [InlineData("?after=-1", null)]
    [InlineData("?after=1&after=2", null)]
    [InlineData("", "12x")]
    public async Task AMalformedCursor_Is400(string query, string? lastEventId)
    {
        using var http = Server.CreateClient();
        var request = FeedSubscriber.Request(fixture.ResourceServer, query);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var (status, body, _) = await http.ExchangeAsync(request);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (status, body.GetProperty("error").GetString()));
    }

    /// <summary>The next <c>revoked</c> event whose <paramref name="member"/> is <paramref name="value"/>, within a second:
    /// other tests of the class revoke their own tokens on the same server.</summary>
    private static async Task<FeedEvent> NextAboutAsync(FeedSubscriber feed, string member, string value) =>
        (await feed.UntilAsync(e => e.Type == "revoked" && e.Member(member) == value, WithinASecond))[^1];

    private Task<Guid> InstallationOfAsync(string access) =>
        Server.WithScopeAsync(async services => (await services.GetRequiredService<TokenLookup>().FindAsync(access, null, default))!.InstallationId);

    private async Task RevokeAsync(Revoke how, TestClient client, string access, string refresh, Guid installationId)
    {
        using var http = Server.CreateClient();
        switch (how)
        {
            case Revoke.AccessToken or Revoke.RefreshToken:
                using (var revoked = await http.SendAsync(OAuthClient.Form("/oauth/revoke",
                    [new("token", how == Revoke.AccessToken ? access : refresh)], client.Basic)))
                {
                    Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
                }
                break;
            case Revoke.Rotation:
                await Server.RefreshAsync(client, refresh);
                break;
            case Revoke.NewTokenSet:
                await Server.SelfTokensAsync(client);
                break;
            case Revoke.Uninstall:
                Assert.True(await Server.WithScopeAsync(services => services.GetRequiredService<InstallationStore>().RevokeAsync(installationId, default)));
                break;
        }
    }
}
