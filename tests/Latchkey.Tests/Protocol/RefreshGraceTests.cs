using System.Collections.Concurrent;
using System.Text.Json;
using Latchkey.Configuration;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Latchkey.Tests.Protocol;

/// <summary>
/// Refresh rotation's lost-response grace (issue 3, "Refresh"; RFC 9700 §4.14.2): off by default; when on, a rotated
/// refresh token works again until its successor is rotated or the grace, counted from the first rotation, ends,
/// each use replacing the unused successor. And the error descriptions that tell reuse from a stale token.
/// </summary>
public sealed class RefreshGraceTests(RefreshGraceTests.Servers servers) : IClassFixture<RefreshGraceTests.Servers>
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);
    private const int Parallel = 20;
    private const string ReuseDetected = "Reuse detected: this refresh token was already exchanged for a new one";
    private const string ReplacedReuse = "Reuse detected: this refresh token was replaced when the one before it was presented again";
    private const string AlreadyRotated = "This refresh token was already exchanged for a new one, and this authorization has been revoked since.";

    /// <summary>Per provider, one server with a two-minute grace on a <see cref="ManualClock"/>; and one with the defaults.
    /// Every test seeds its own app and tokens; tests of a class run one at a time, so moving the clock disturbs none.</summary>
    public sealed class Servers : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<(DatabaseKind, bool), Lazy<Task<(LatchkeyTestServer, ManualClock)>>> _started = new();

        public Task<(LatchkeyTestServer Server, ManualClock Clock)> WithGraceAsync(DatabaseKind kind = DatabaseKind.Sqlite) => Start(kind, grace: true);

        public async Task<LatchkeyTestServer> DefaultAsync() => (await Start(DatabaseKind.Sqlite, grace: false)).Item1;

        private Task<(LatchkeyTestServer, ManualClock)> Start(DatabaseKind kind, bool grace) =>
            _started.GetOrAdd((kind, grace), _ => new(async () =>
            {
                var clock = new ManualClock();
                var settings = new Dictionary<string, string?>();
                if (grace)
                {
                    settings[LatchkeyOptionsValidator.RefreshReuseGraceKey] = Grace.ToString("c");
                }
                return (await LatchkeyTestServer.StartAsync(kind, settings, s => s.AddSingleton<TimeProvider>(clock)), clock);
            })).Value;

        public async ValueTask DisposeAsync()
        {
            foreach (var started in _started.Values.Where(s => s.IsValueCreated && s.Value.IsCompletedSuccessfully))
            {
                await (await started.Value).Item1.DisposeAsync();
            }
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PresentAsync(LatchkeyTestServer server, TestClient client,
        string refresh, string? scope = null)
    {
        using var http = server.CreateClient();
        List<KeyValuePair<string, string>> fields = [new("grant_type", "refresh_token"), new("refresh_token", refresh)];
        if (scope is not null)
        {
            fields.Add(new("scope", scope));
        }
        var (status, body, response) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token", fields, client.Basic));
        response.Dispose();
        return (status, body);
    }

    private static async Task<(string Access, string Refresh)> RefreshedAsync(LatchkeyTestServer server, TestClient client, string refresh)
    {
        var (status, body) = await PresentAsync(server, client, refresh);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }

    private static void AssertInvalidGrant((HttpStatusCode Status, JsonElement Body) result, string description)
    {
        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("invalid_grant", result.Body.GetProperty("error").GetString());
        Assert.StartsWith(description, result.Body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    private static async Task AssertDeadAsync(LatchkeyTestServer server, params string[] tokens)
    {
        foreach (var token in tokens)
        {
            Assert.False(await server.IsLiveAsync(token), "a token that should be dead is live");
        }
    }

    /// <summary>What can still be used: unrevoked access tokens, and refresh tokens neither revoked nor rotated.</summary>
    private static Task<List<IssuedToken>> LiveSetAsync(LatchkeyTestServer server, TestClient client) =>
        server.WithDbAsync(db => db.Tokens.AsNoTracking()
            .Where(t => t.AppId == client.App.Id && t.RevokedAt == null && (t.Kind == TokenKind.AccessToken || t.RotatedAt == null))
            .ToListAsync());

    private static bool Carries(JsonElement body, List<IssuedToken> live) =>
        live.Any(t => t.Hash.SequenceEqual(TokenCodec.Hash(body.GetProperty("access_token").GetString()!)));

    private static void AssertIsTheLiveSet(List<IssuedToken> live, JsonElement body)
    {
        Assert.Equal(2, live.Count);
        Assert.Contains(live, t => t.Hash.SequenceEqual(TokenCodec.Hash(body.GetProperty("access_token").GetString()!)));
        Assert.Contains(live, t => t.Hash.SequenceEqual(TokenCodec.Hash(body.GetProperty("refresh_token").GetString()!)));
    }

    [Fact]
    public async Task WithinGrace_TheRotatedTokenWorksAgain_AndReplacesTheUnusedSuccessor()
    {
        var (server, clock) = await servers.WithGraceAsync();
        var client = await server.ClientAsync();
        var (_, first) = await server.SelfTokensAsync(client);
        var (lostAccess, lostRefresh) = await RefreshedAsync(server, client, first);
        clock.Advance(Grace - TimeSpan.FromSeconds(1));

        var (status, retried) = await PresentAsync(server, client, first);

        Assert.Equal(HttpStatusCode.OK, status);
        await AssertDeadAsync(server, lostAccess, lostRefresh);
        AssertIsTheLiveSet(await LiveSetAsync(server, client), retried);
        using var http = server.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.SessionAsync(retried.GetProperty("access_token").GetString()!)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SessionAsync(lostAccess)).StatusCode);
    }

    [Fact]
    public async Task WithinGrace_EachRetryReplacesTheLastSuccessor_UntilTheSuccessorIsUsed()
    {
        var (server, _) = await servers.WithGraceAsync();
        var client = await server.ClientAsync();
        var (_, first) = await server.SelfTokensAsync(client);
        var (access1, refresh1) = await RefreshedAsync(server, client, first);
        var (access2, refresh2) = await RefreshedAsync(server, client, first);
        var (access3, refresh3) = await RefreshedAsync(server, client, first);

        await AssertDeadAsync(server, access1, refresh1, access2, refresh2);
        var (next, nextRefresh) = await RefreshedAsync(server, client, refresh3);

        // The successor has now been used: the grace is over for the token before it, which is reuse.
        AssertInvalidGrant(await PresentAsync(server, client, first), ReuseDetected);
        await AssertDeadAsync(server, access3, next, nextRefresh);
        Assert.Empty(await LiveSetAsync(server, client));
    }

    [Fact]
    public async Task AfterTheSuccessorIsUsed_TheRotatedTokenIsReuse_AndRevokesTheFamily()
    {
        var (server, _) = await servers.WithGraceAsync();
        var client = await server.ClientAsync();
        var (_, first) = await server.SelfTokensAsync(client);
        var (_, second) = await RefreshedAsync(server, client, first);
        var (access, refresh) = await RefreshedAsync(server, client, second);

        AssertInvalidGrant(await PresentAsync(server, client, first), ReuseDetected);

        await AssertDeadAsync(server, access, refresh);
        Assert.Empty(await LiveSetAsync(server, client));
    }

    [Fact]
    public async Task AfterTheGraceEnds_TheRotatedTokenIsReuse_AndRevokesTheFamily()
    {
        var (server, clock) = await servers.WithGraceAsync();
        var client = await server.ClientAsync();
        var (_, first) = await server.SelfTokensAsync(client);
        var (access, refresh) = await RefreshedAsync(server, client, first);
        clock.Advance(Grace);

        AssertInvalidGrant(await PresentAsync(server, client, first), ReuseDetected);

        await AssertDeadAsync(server, access, refresh);
    }

    [Fact]
    public async Task TheGraceCountsFromTheFirstRotation_RetriesDoNotStretchIt()
    {
        var (server, clock) = await servers.WithGraceAsync();
        var client = await server.ClientAsync();
        var (_, first) = await server.SelfTokensAsync(client);
        await RefreshedAsync(server, client, first);
        clock.Advance(Grace - TimeSpan.FromSeconds(30));
        var (access, refresh) = await RefreshedAsync(server, client, first);
        clock.Advance(TimeSpan.FromSeconds(30));

        AssertInvalidGrant(await PresentAsync(server, client, first), ReuseDetected);

        await AssertDeadAsync(server, access, refresh);
    }

    [Fact]
    public async Task AReplacedSuccessor_PresentedAfterAll_IsReuse_AndRevokesTheFamily()
    {
        var (server, _) = await servers.WithGraceAsync();
        var client = await server.ClientAsync();
        var (_, first) = await server.SelfTokensAsync(client);
        var (_, replaced) = await RefreshedAsync(server, client, first);
        var (access, refresh) = await RefreshedAsync(server, client, first);

        // Two parties hold tokens of this authorization: the one with the replaced successor and the one with its replacement.
        AssertInvalidGrant(await PresentAsync(server, client, replaced), ReplacedReuse);

        await AssertDeadAsync(server, access, refresh);
    }

    [Fact]
    public async Task WithinGrace_AWiderScopeIsRefused_AndChangesNothing_ANarrowerOneWorks()
    {
        var (server, _) = await servers.WithGraceAsync();
        var client = await server.ClientAsync();
        var (_, first) = await server.SelfTokensAsync(client);
        var (access, refresh) = await RefreshedAsync(server, client, first);

        var (widenStatus, widened) = await PresentAsync(server, client, first, "posts:read admin");
        Assert.Equal(HttpStatusCode.BadRequest, widenStatus);
        Assert.Equal("invalid_scope", widened.GetProperty("error").GetString());
        Assert.True(await server.IsLiveAsync(access));
        Assert.True(await server.IsLiveAsync(refresh));

        var (status, narrowed) = await PresentAsync(server, client, first, "posts:read");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("posts:read", narrowed.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task WithinGrace_ARotatedTokenOfARevokedAuthorization_SaysAlreadyRotated()
    {
        var (server, _) = await servers.WithGraceAsync();
        var client = await server.ClientAsync();
        var (_, first) = await server.SelfTokensAsync(client);
        var (_, second) = await RefreshedAsync(server, client, first);
        using var http = server.CreateClient();
        using var revoked = await http.SendAsync(OAuthClient.Form("/oauth/revoke", [new("token", second)], client.Basic));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        // The app revoked the authorization (RFC 7009): the grace cannot bring it back, and this is no reuse.
        AssertInvalidGrant(await PresentAsync(server, client, first), AlreadyRotated);
        Assert.Empty(await LiveSetAsync(server, client));
    }

    [Fact]
    public async Task ByDefault_ThereIsNoGrace_ARotatedTokenIsReuseAtOnce_AndThenAlreadyRotated()
    {
        var server = await servers.DefaultAsync();
        Assert.Equal(TimeSpan.Zero, server.Services.GetRequiredService<IOptions<LatchkeyOptions>>().Value.Lifetimes.RefreshReuseGrace);
        var client = await server.ClientAsync();
        var (_, first) = await server.SelfTokensAsync(client);
        var (access, refresh) = await RefreshedAsync(server, client, first);

        AssertInvalidGrant(await PresentAsync(server, client, first), ReuseDetected);
        await AssertDeadAsync(server, access, refresh);

        // Presented once more: the authorization is already revoked, and the description no longer claims this request did it.
        AssertInvalidGrant(await PresentAsync(server, client, first), AlreadyRotated);
    }

    [Theory]
    [InlineData("00:05:01")]
    [InlineData("01:00:00")]
    [InlineData("-00:00:01")]
    public async Task AGraceOutsideZeroToFiveMinutes_RefusesToStart(string grace)
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            LatchkeyTestServer.StartAsync(settings: new Dictionary<string, string?> { [LatchkeyOptionsValidator.RefreshReuseGraceKey] = grace }));

        Assert.Contains($"{LatchkeyOptionsValidator.RefreshReuseGraceKey} is {grace}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("00:05:00", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGraceOfFiveMinutes_Starts()
    {
        await using var server = await LatchkeyTestServer.StartAsync(settings: new Dictionary<string, string?>
        {
            [LatchkeyOptionsValidator.RefreshReuseGraceKey] = "00:05:00",
        });

        Assert.Equal(TokenLifetimes.MaxRefreshReuseGrace, server.Services.GetRequiredService<IOptions<LatchkeyOptions>>().Value.Lifetimes.RefreshReuseGrace);
    }

    [Fact]
    public async Task Serve_WithTooLongAGrace_PrintsOneLine_AndExits2_WritingNothing()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);

        var (exit, output, error) = await LatchkeyProcess.RunToExitAsync(
            new Dictionary<string, string> { ["Latchkey__Lifetimes__RefreshReuseGrace"] = "00:10:00" },
            "serve", "--urls", "http://127.0.0.1:0", "--database", database.ConnectionString);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"{LatchkeyOptionsValidator.RefreshReuseGraceKey} is 00:10:00", line, StringComparison.Ordinal);
        Assert.False(File.Exists(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ParallelRefreshesOfOneToken_WithGrace_AllSucceed_AndLeaveOneLiveSet(DatabaseKind kind)
    {
        var (server, _) = await servers.WithGraceAsync(kind);
        var client = await server.ClientAsync();
        var (_, first) = await server.SelfTokensAsync(client);

        var results = await TokenRace.RaceAsync(server, client.Basic,
            [.. Enumerable.Repeat<(string, string)[]>([("grant_type", "refresh_token"), ("refresh_token", first)], Parallel)]);

        // One rotates the token; each of the others, queued on the installation's lock, finds it rotated within the
        // grace with an unused successor, revokes that set and issues its own. The last one's set is the only live one.
        Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.OK, r.Body.ToString()));
        var live = await LiveSetAsync(server, client);
        AssertIsTheLiveSet(live, Assert.Single(results, r => Carries(r.Body, live)).Body);
        var family = await server.WithDbAsync(db => db.Tokens.AsNoTracking().Where(t => t.AppId == client.App.Id).ToListAsync());
        Assert.Equal(2 + 2 * Parallel, family.Count);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ParallelOldAndNewToken_WithGrace_NeverLeaveMoreThanOneLiveSet(DatabaseKind kind)
    {
        var (server, _) = await servers.WithGraceAsync(kind);
        for (var round = 0; round < 3; round++)
        {
            var client = await server.ClientAsync();
            var (_, first) = await server.SelfTokensAsync(client);
            var (_, second) = await RefreshedAsync(server, client, first);
            (string, string)[] old = [("grant_type", "refresh_token"), ("refresh_token", first)];
            (string, string)[] current = [("grant_type", "refresh_token"), ("refresh_token", second)];

            var results = await TokenRace.RaceAsync(server, client.Basic,
                [.. Enumerable.Range(0, Parallel).Select(i => i % 2 == 0 ? old : current)]);

            // Whatever the order (old first: it replaces the successor, and the successor presented then is reuse;
            // successor first: the old one is reuse), every refusal is invalid_grant and at most one set is live,
            // one that a response carried.
            Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.OK
                || (r.Status == HttpStatusCode.BadRequest && r.Body.GetProperty("error").GetString() == "invalid_grant"), r.Body.ToString()));
            var live = await LiveSetAsync(server, client);
            if (live.Count > 0)
            {
                AssertIsTheLiveSet(live, Assert.Single(results, r => r.Status == HttpStatusCode.OK && Carries(r.Body, live)).Body);
            }
        }
    }
}
