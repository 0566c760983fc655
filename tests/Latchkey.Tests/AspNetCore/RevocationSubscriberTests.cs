using Microsoft.AspNetCore.Identity;
using System.Buffers.Text;
using Latchkey.AspNetCore;
using Latchkey.AspNetCore.Tokens;
using Latchkey.AspNetCore.Validation;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;

namespace Latchkey.Tests.AspNetCore;

/// <summary>The sample API against an in-memory Latchkey whose revocation feed the test plays (<see cref="FakeRevocationFeed"/>).</summary>
public sealed class FakeFeedFixture : IAsyncLifetime
{
    private long _lastId = 100;

    public LatchkeyTestServer Latchkey { get; private set; } = null!;
    public FakeRevocationFeed Feed { get; private set; } = null!;
    public ProtectedApi Api { get; private set; } = null!;

    /// <summary>The subscription the API holds now.</summary>
    public FakeRevocationFeed.Subscription Current { get; set; } = null!;

    public long NextId() => Interlocked.Increment(ref _lastId);

    public async ValueTask InitializeAsync()
    {
        // Every test seeds a user; the real password hash cost (~200 ms here) proves nothing in these tests.
        Latchkey = await LatchkeyTestServer.StartAsync(services: s => s.Configure<PasswordHasherOptions>(o => o.IterationCount = 1));
        Api = await ProtectedApi.StartAsync(Latchkey, transport: inner => Feed = new FakeRevocationFeed(inner));
        Current = await Feed.NextSubscriptionAsync();
        await ConfirmAsync();
    }

    /// <summary>Sends <c>ready</c> on the current subscription and waits until the cache trusts entries fully.</summary>
    public async Task ConfirmAsync()
    {
        await Current.ReadyAsync(NextId());
        await Eventually.TrueAsync(() => Api.Cache.IsConfirmed);
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Latchkey.DisposeAsync();
    }
}

/// <summary>
/// The subscriber's side of the revocation feed contract: each event kind evicts what it names, <c>reset</c> drops
/// everything, a dropped feed shortens cache lifetimes to ~1 s and is resumed with <c>Last-Event-ID</c>.
/// The cache lifetime is 5 minutes, so only the feed can explain a cached token being refused.
/// </summary>
public sealed class RevocationSubscriberTests(FakeFeedFixture fixture) : IClassFixture<FakeFeedFixture>
{
    /// <summary>The 1 s a dropped feed leaves a cached entry, and the request that finds it gone.</summary>
    private static readonly TimeSpan OneSecondAndARequest = TimeSpan.FromSeconds(1.5);

    private LatchkeyTestServer Latchkey => fixture.Latchkey;
    private ProtectedApi Api => fixture.Api;

    [Fact]
    public void Subscription_IsAuthenticatedAsTheResourceServer() =>
        Assert.Equal("Basic", fixture.Current.Authorization?.Scheme);

    [Fact]
    public async Task TokenEvent_EvictsTheCachedToken()
    {
        var client = await Latchkey.ClientAsync();
        var (access, _) = await Latchkey.SelfTokensAsync(client);
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(access));
        await RevokeAtServerAsync(client, access);
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(access));

        await fixture.Current.RevokedAsync(fixture.NextId(),
            $$"""{"kind":"token","installation_id":null,"token_hash":"{{Base64Url.EncodeToString(TokenCodec.Hash(access))}}","client_id":"{{client.App.ClientId}}","at":"2026-11-23T19:40:01Z"}""");

        await Api.RefusedWithinAsync(OneSecondAndARequest, access);
    }

    [Fact]
    public async Task InstallationEvent_EvictsItsTokens()
    {
        var client = await Latchkey.ClientAsync();
        var access = await Latchkey.AppTokenAsync(client);
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(access));
        var installation = await UninstallAtServerAsync(client);
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(access));

        await fixture.Current.RevokedAsync(fixture.NextId(),
            $$"""{"kind":"installation","installation_id":"{{installation}}","token_hash":null,"client_id":"{{client.App.ClientId}}","at":"2026-11-23T19:40:01Z"}""");

        await Api.RefusedWithinAsync(OneSecondAndARequest, access);
    }

    [Fact]
    public async Task InstallationEvent_LeavesOtherInstallationsCached()
    {
        var revoked = await Latchkey.ClientAsync();
        var other = await Latchkey.ClientAsync();
        var revokedToken = await Latchkey.AppTokenAsync(revoked);
        var otherToken = await Latchkey.AppTokenAsync(other);
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(revokedToken));
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(otherToken));
        var installation = await UninstallAtServerAsync(revoked);
        // Dead at the server too, with no event: only the cache can still accept it.
        await UninstallAtServerAsync(other);

        await fixture.Current.RevokedAsync(fixture.NextId(),
            $$"""{"kind":"installation","installation_id":"{{installation}}","token_hash":null,"client_id":"{{revoked.App.ClientId}}","at":"2026-11-23T19:40:01Z"}""");

        await Api.RefusedWithinAsync(OneSecondAndARequest, revokedToken);
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(otherToken));
    }

    [Fact]
    public async Task AppEvent_EvictsEveryTokenOfTheApp()
    {
        var client = await Latchkey.ClientAsync();
        var (self, _) = await Latchkey.SelfTokensAsync(client);
        var bot = await Latchkey.AppTokenAsync(client);
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(self));
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(bot));
        await UninstallAtServerAsync(client);

        await fixture.Current.RevokedAsync(fixture.NextId(),
            $$"""{"kind":"app","installation_id":null,"token_hash":null,"client_id":"{{client.App.ClientId}}","at":"2026-11-23T19:40:01Z"}""");

        await Api.RefusedWithinAsync(OneSecondAndARequest, self);
        await Api.RefusedWithinAsync(OneSecondAndARequest, bot);
    }

    [Fact]
    public async Task Reset_DropsTheWholeCache()
    {
        var (access, _) = await Latchkey.SelfTokensAsync(await Latchkey.ClientAsync());
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(access));
        var before = Api.Backchannel.Introspections;

        await fixture.Current.SendAsync("event: reset\ndata: {}\n\n");
        await Eventually.TrueAsync(() => Api.Cache.Count == 0);
        await fixture.ConfirmAsync();

        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(access));
        Assert.Equal(before + 1, Api.Backchannel.Introspections);
    }

    [Fact]
    public async Task DroppedFeed_CachedTokensLiveOneSecond_ThenResumesFromTheLastEvent()
    {
        var client = await Latchkey.ClientAsync();
        var (access, _) = await Latchkey.SelfTokensAsync(client);
        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(access));
        var lastId = fixture.NextId();
        await fixture.Current.RevokedAsync(lastId, $$"""{"kind":"app","client_id":"lkapp_none","at":"2026-11-23T19:40:01Z"}""");

        await fixture.Current.DropAsync();
        fixture.Current = await fixture.Feed.NextSubscriptionAsync();
        // Revoked while the feed was down, with no event to say so: only the short lifetime can end it.
        await RevokeAtServerAsync(client, access);

        Assert.Equal(lastId.ToString(System.Globalization.CultureInfo.InvariantCulture), fixture.Current.LastEventId);
        Assert.False(Api.Cache.IsConfirmed);
        await Api.RefusedWithinAsync(OneSecondAndARequest, access);
        await fixture.ConfirmAsync();
    }

    [Fact]
    public async Task RevocationReplayedAfterReconnection_IsApplied()
    {
        var client = await Latchkey.ClientAsync();
        var access = await Latchkey.AppTokenAsync(client);
        await fixture.Current.DropAsync();
        fixture.Current = await fixture.Feed.NextSubscriptionAsync();
        var installation = await UninstallAtServerAsync(client);

        // What the server replays from Last-Event-ID, then ready: the cache trusts entries fully again.
        await fixture.Current.RevokedAsync(fixture.NextId(),
            $$"""{"kind":"installation","installation_id":"{{installation}}","token_hash":null,"client_id":"{{client.App.ClientId}}","at":"2026-11-23T19:40:01Z"}""");
        await fixture.ConfirmAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await Api.ReadPostsAsync(access));
    }

    [Fact]
    public async Task FirstReady_DropsWhatWasCachedBeforeIt()
    {
        FakeRevocationFeed feed = null!;
        await using var api = await ProtectedApi.StartAsync(Latchkey, transport: inner => feed = new FakeRevocationFeed(inner));
        var subscription = await feed.NextSubscriptionAsync();
        var (access, _) = await Latchkey.SelfTokensAsync(await Latchkey.ClientAsync());
        Assert.Equal(HttpStatusCode.OK, await api.ReadPostsAsync(access));
        Assert.Equal(1, api.Cache.Count);

        // Connected without a cursor, so nothing is replayed: the feed cannot vouch for what was cached before it.
        await subscription.ReadyAsync(fixture.NextId());
        await Eventually.TrueAsync(() => api.Cache.IsConfirmed);

        Assert.Null(subscription.LastEventId);
        Assert.Equal(0, api.Cache.Count);
    }

    [Fact]
    public void LookupOverlappingAnEviction_IsNotCached()
    {
        var cache = new TokenCache(new LatchkeyAuthenticationOptions(), TimeProvider.System);
        var token = new ValidatedToken("sub", "self", Guid.NewGuid(), "lkapp_x", Guid.NewGuid(), ["posts:read"], null);
        var hash = TokenHash.Of("lkat_whatever");
        var before = cache.Generation;

        cache.EvictInstallation(token.InstallationId);
        cache.Add(hash, token, before);

        Assert.False(cache.TryGet(hash, out _));
        cache.Add(hash, token, cache.Generation);
        Assert.True(cache.TryGet(hash, out _));
    }

    private async Task RevokeAtServerAsync(TestClient client, string access)
    {
        using var http = Latchkey.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(OAuthClient.Form("/oauth/revoke", [KeyValuePair.Create("token", access)], client.Basic))).StatusCode);
    }

    /// <summary>Revokes the app's live installations at the server, as an uninstall does; the last one's id.</summary>
    private Task<Guid> UninstallAtServerAsync(TestClient client) =>
        Latchkey.WithScopeAsync(async services =>
        {
            var ids = services.GetRequiredService<Latchkey.Storage.LatchkeyDbContext>().Installations
                .Where(i => i.AppId == client.App.Id && i.RevokedAt == null).Select(i => i.Id).ToList();
            foreach (var id in ids)
            {
                await services.GetRequiredService<Latchkey.Installations.InstallationStore>().RevokeAsync(id, default);
            }
            return ids.Last();
        });
}
