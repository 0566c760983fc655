using Latchkey.Installations;
using Latchkey.Revocations;
using Latchkey.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Latchkey.Tests.Revocations;

/// <summary>
/// The feed never claims more than it knows: when it cannot read its log its streams end and new ones are refused, so
/// subscribers fall back to short cache lifetimes; one credential cannot hold streams without bound; a revocation that
/// changes nothing logs nothing; and settings that would break the one-second promise refuse to start.
/// </summary>
public sealed class RevocationFeedHealthTests
{
    [Fact]
    public async Task AnUnreadableLog_EndsStreams_AndRefusesNewOnes_UntilItIsReadableAgain()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var credentials = await server.ResourceServerAsync();
        using var http = server.CreateClient();
        await using var feed = await FeedSubscriber.ConnectAsync(http, credentials);
        await feed.ReadyAsync();

        // An entry of a kind this version cannot read, as a newer node might write during a rolling upgrade.
        var id = await WriteEntryAsync(server, kind: "Mystery");

        await Assert.ThrowsAsync<InvalidOperationException>(() => feed.UntilAsync(_ => false, TimeSpan.FromSeconds(10)));
        var (refused, body, response) = await http.ExchangeAsync(FeedSubscriber.Request(credentials));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "temporarily_unavailable"), (refused, body.GetProperty("error").GetString()));
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());

        await server.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("""UPDATE revocations SET "Kind" = 'App' WHERE "Id" = {0}""", id));
        await using var recovered = await ConnectWhenFollowingAsync(http, credentials);
        Assert.Equal("ready", (await recovered.ReadyAsync())[^1].Type);
    }

    [Fact]
    public async Task OneCredential_HoldsAtMostSixteenStreams()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var credentials = await server.ResourceServerAsync();
        using var http = server.CreateClient();
        var streams = new List<FeedSubscriber>();
        try
        {
            for (var i = 0; i < RevocationFeed.MaxSubscriptionsPerSubscriber; i++)
            {
                streams.Add(await FeedSubscriber.ConnectAsync(http, credentials));
            }

            var (status, body, _) = await http.ExchangeAsync(FeedSubscriber.Request(credentials));
            Assert.Equal(((HttpStatusCode)429, "too_many_streams"), (status, body.GetProperty("error").GetString()));
            await using var another = await FeedSubscriber.ConnectAsync(http, await server.ResourceServerAsync());
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ARevocationThatChangesNothing_LogsNothing(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var client = await server.ClientAsync();
        var (access, _) = await server.SelfTokensAsync(client);
        var installationId = await server.WithScopeAsync(async s => (await s.GetRequiredService<Latchkey.Tokens.TokenLookup>().FindAsync(access, null, default))!.InstallationId);
        using var http = server.CreateClient();

        for (var i = 0; i < 2; i++)
        {
            using var revoked = await http.SendAsync(OAuthClient.Form("/oauth/revoke", [new("token", access)], client.Basic));
            await server.WithScopeAsync(s => s.GetRequiredService<InstallationStore>().RevokeAsync(installationId, default));
        }

        var logged = await server.WithDbAsync(db => db.Revocations.Where(r => r.InstallationId == installationId).Select(r => r.Kind).ToListAsync());
        Assert.Equal([RevocationKind.Token, RevocationKind.Installation], logged);
    }

    [Theory]
    [InlineData("PollInterval", "00:00:00")]
    [InlineData("PollInterval", "00:00:02")]
    [InlineData("KeepAlive", "00:00:00.050")]
    [InlineData("KeepAlive", "00:01:00")]
    [InlineData("Retention", "00:10:00")]
    public async Task ASettingThatBreaksTheFeed_RefusesToStart(string setting, string value)
    {
        var key = $"Latchkey:Revocations:{setting}";

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            LatchkeyTestServer.StartAsync(settings: new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(key, refused.Message, StringComparison.Ordinal);
    }

    private static Task<long> WriteEntryAsync(LatchkeyTestServer server, string kind) =>
        server.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var entry = Revocation.OfInstallation(Guid.NewGuid(), DateTimeOffset.UtcNow);
            db.Revocations.Add(entry);
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync("""UPDATE revocations SET "Kind" = {0} WHERE "Id" = {1}""", kind, entry.Id);
            await transaction.CommitAsync();
            return entry.Id;
        });

    private static async Task<FeedSubscriber> ConnectWhenFollowingAsync(HttpClient http, (string Id, string Secret) credentials)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var probe = await http.SendAsync(FeedSubscriber.Request(credentials), HttpCompletionOption.ResponseHeadersRead);
            if (probe.StatusCode == HttpStatusCode.OK || attempt == 50)
            {
                break;
            }
            await Task.Delay(100);
        }
        return await FeedSubscriber.ConnectAsync(http, credentials);
    }
}
