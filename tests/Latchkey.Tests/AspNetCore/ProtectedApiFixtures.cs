using Microsoft.AspNetCore.Identity;
using Latchkey.AspNetCore;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.AspNetCore;

/// <summary>
/// An in-memory Latchkey with its real revocation feed, and the sample API subscribed to it through a
/// <see cref="FeedSwitch"/>, ready when the feed has confirmed the API's cache. Cached tokens are trusted for minutes
/// whether or not the feed is up, so that in these tests only the feed can end a cached token early.
/// </summary>
public abstract class ProtectedApiFixture : IAsyncLifetime
{
    public LatchkeyTestServer Latchkey { get; private set; } = null!;
    public ProtectedApi Api { get; private set; } = null!;
    public FeedSwitch Feed { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        // Every test seeds a user; the real password hash cost (~200 ms here) proves nothing in these tests.
        Latchkey = await LatchkeyTestServer.StartAsync(services: s => s.Configure<PasswordHasherOptions>(o => o.IterationCount = 1));
        Api = await ProtectedApi.StartAsync(Latchkey, options =>
        {
            options.DisconnectedCacheDuration = options.CacheDuration;
            Configure(options);
        }, transport: inner => Feed = new FeedSwitch(inner));
        await Eventually.TrueAsync(() => Api.Cache.IsConfirmed);
    }

    protected abstract void Configure(LatchkeyAuthenticationOptions options);

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Latchkey.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class IntrospectionFixture : ProtectedApiFixture
{
    protected override void Configure(LatchkeyAuthenticationOptions options) => options.Mode = LatchkeyValidationMode.Introspection;
}

public sealed class DirectFixture : ProtectedApiFixture
{
    protected override void Configure(LatchkeyAuthenticationOptions options)
    {
        options.Mode = LatchkeyValidationMode.Direct;
        options.ConnectionString = Latchkey.ConnectionString;
    }
}

/// <summary><see cref="ProtectedApiTests"/> with tokens checked by RFC 7662 introspection.</summary>
public sealed class IntrospectionModeTests(IntrospectionFixture fixture) : ProtectedApiTests(fixture), IClassFixture<IntrospectionFixture>
{
    [Fact]
    public async Task LiveToken_IsIntrospectedOnceThenServedFromTheCache()
    {
        var (access, _) = await Latchkey.SelfTokensAsync(await Latchkey.ClientAsync());
        var before = Api.Backchannel.Introspections;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await Api.ReadPostsAsync(access));
        }

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(before + 1, Api.Backchannel.Introspections);
    }
}

/// <summary><see cref="ProtectedApiTests"/> with tokens read from Latchkey's database directly; never an introspection.</summary>
public sealed class DirectModeTests(DirectFixture fixture) : ProtectedApiTests(fixture), IClassFixture<DirectFixture>
{
    [Fact]
    public async Task LiveToken_IsReadWithoutIntrospection()
    {
        var (access, _) = await Latchkey.SelfTokensAsync(await Latchkey.ClientAsync());

        Assert.Equal(HttpStatusCode.OK, await Api.ReadPostsAsync(access));
        Assert.Equal(0, Api.Backchannel.Introspections);
    }
}
