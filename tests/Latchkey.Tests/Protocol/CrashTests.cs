using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Profiles;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Protocol;

/// <summary>
/// DESIGN.md rule 8, "a crash at any point loses no committed token and leaves no half-issued one": the real server
/// process takes a stream of token requests (code redemptions, refreshes, client_credentials) from parallel workers,
/// is killed with SIGKILL in the middle, and is started again on the same database.
/// <para>
/// The invariant, precisely. Each worker owns one app and its two installations (actor <c>self</c>: codes and
/// refreshes; actor <c>app</c>: client_credentials) and sends one request at a time, so per installation the
/// requests are ordered and at most one, the one in flight at the kill, has an outcome the client never learned.
/// After the restart, for every installation:
/// 1. every token of every received response is stored (nothing committed is lost), and every stored set is whole
///    (an access token, and a refresh token for actor self: nothing half-issued);
/// 2. the live tokens are exactly the last received set — which therefore works: Bearer use 200, its refresh token
///    refreshes — and every earlier received access token is refused, superseded by "one live token set per
///    installation";
/// 3. except when the request in flight had committed and only its response was lost: then the live tokens are
///    exactly one whole set that no response carried, newer than everything received, and the last received set
///    is revoked, as that request's success requires. Its other effect is there too: its code consumed, or the
///    refresh token it presented rotated; and when the live set is the last received one, they are not.
/// So every request is all or nothing, and the database is the state after exactly the received requests, plus
/// possibly the one in flight. The issue's words, "every token whose response was received still works, and no
/// other token is active", hold except in case 3. No server can close that window: it commits before it answers,
/// and the kill may fall between. The client then holds a revoked set (re-authorize; a rotated refresh token
/// presented again revokes its family unless the operator allows a lost-response grace, DESIGN.md "Tokens").
/// </para>
/// </summary>
public sealed class CrashTests
{
    private const int Workers = 4;
    private const int CodesPerWorker = 60;
    /// <summary>Successful responses, over all workers, before the kill: well into the stream, far from the end.</summary>
    private const int ResponsesBeforeKill = 60;

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public Task KillNine_MidStream_ReceivedSetsSurvive_AndNothingHalfIssuedOrUnreceivedIsLive(DatabaseKind kind) =>
        KillNineMidStreamAsync(kind, new Dictionary<string, string>());

    /// <summary>SQLite syncing only at checkpoints keeps the same promise when the process dies (README "Benchmarks", durability).</summary>
    [Fact]
    public Task KillNine_MidStream_WithSqliteSynchronousNormal_ReceivedSetsSurvive() =>
        KillNineMidStreamAsync(DatabaseKind.Sqlite, new Dictionary<string, string> { ["Latchkey__SqliteSynchronous"] = "Normal" });

    /// <summary>
    /// The same once the checkpointer has copied the WAL into the database file and the writer has started the WAL
    /// again (Storage/SqliteCheckpointer.cs): what was committed before lives in the file, what came after in the new WAL.
    /// </summary>
    [Fact]
    public Task KillNine_AfterTheWalStartedAgain_ReceivedSetsSurvive() =>
        KillNineMidStreamAsync(DatabaseKind.Sqlite, new Dictionary<string, string>(), WalStartedAgainAsync);

    /// <summary>Whether <paramref name="live"/>'s WAL was started again since the first look that found it.</summary>
    private static Func<Task<bool>> WalStartedAgainAsync(LiveLatchkey live)
    {
        long? first = null;
        return async () =>
        {
            var starts = await SqliteInspection.WalStartsAsync(live.Seeder.ConnectionString);
            first ??= starts;
            return starts > first;
        };
    }

    private static async Task KillNineMidStreamAsync(DatabaseKind kind, IReadOnlyDictionary<string, string> environment,
        Func<LiveLatchkey, Func<Task<bool>>>? alsoBeforeTheKill = null)
    {
        await using var live = await LiveLatchkey.StartAsync(kind, environment);
        var seed = Environment.TickCount;
        var workers = await Task.WhenAll(Enumerable.Range(0, Workers).Select(i => Worker.ArrangeAsync(live.Seeder, new Random(seed + i))));
        var progress = new Progress();

        var ready = alsoBeforeTheKill?.Invoke(live);
        var streams = workers.Select(w => Task.Run(() => w.RunAsync(live.Process.BaseAddress, progress))).ToArray();
        await progress.WaitForAsync(ResponsesBeforeKill, streams, ready);
        Assert.Equal(137, await live.Process.KillAsync()); // 128 + SIGKILL: the process died of the signal
        await Task.WhenAll(streams);
        using (var killed = live.CreateClient())
        {
            // Nothing answers on its port: the process killed was the server, not a wrapper around it.
            await Assert.ThrowsAsync<HttpRequestException>(() => killed.GetAsync("/healthz"));
        }
        await live.RestartAsync();

        Assert.All(workers, w => Assert.Empty(w.Failures));
        var tables = await Tables.ReadAsync(live.Seeder);
        using var http = live.CreateClient();
        var lost = (await Task.WhenAll(workers.Select(w => w.AssertSurvivedAsync(tables, http)))).Sum();
        Assert.Empty(tables.Tokens.Select(t => t.InstallationId).Except(workers.SelectMany(w => tables.InstallationsOf(w.Client.App.Id))));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{kind}: seed {seed}, {progress.Count} responses before the kill, {lost} committed set(s) whose response was lost.");
    }

    private enum Grant
    {
        Code,
        Refresh,
        ClientCredentials,
    }

    /// <summary>A token request as sent; for a code or refresh, what it presented.</summary>
    private sealed record Sent(Grant Grant, string? Presented);

    private sealed record Received(string Access, string? Refresh);

    private sealed class Progress
    {
        private int _count;
        public int Count => Volatile.Read(ref _count);
        public void Add() => Interlocked.Increment(ref _count);

        /// <summary>Until <paramref name="count"/> responses arrived, and <paramref name="ready"/> if given; fails if every stream ended first.</summary>
        public async Task WaitForAsync(int count, Task[] streams, Func<Task<bool>>? ready)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Count < count || (ready is not null && !await ready()))
            {
                Assert.False(streams.All(s => s.IsCompleted), "every worker stopped before the kill");
                Assert.True(DateTime.UtcNow < deadline, $"{Count} responses in 60 s, and {(ready is null ? "nothing else awaited" : "the server never got ready for the kill")}");
                await Task.Delay(5);
            }
        }
    }

    /// <summary>One app's stream of requests, one at a time, and what came back.</summary>
    private sealed class Worker(TestClient client, Guid selfInstallation, Queue<string> codes, Random random)
    {
        public TestClient Client => client;
        public List<string> Failures { get; } = [];
        private readonly List<string> _redeemed = [];
        private readonly List<Received> _self = [];
        private readonly List<Received> _app = [];
        private readonly List<string> _unsent = [.. codes];
        /// <summary>The request whose response never came: the kill fell while it was on its way or being served.</summary>
        private Sent? _inFlight;

        /// <summary>A client, its actor-self installation, and codes for it as consent leaves them (one transaction).</summary>
        public static async Task<Worker> ArrangeAsync(LatchkeyTestServer seeder, Random random)
        {
            var client = await seeder.ClientAsync();
            var (installation, codes) = await seeder.WithScopeAsync(async services =>
            {
                var db = services.GetRequiredService<Latchkey.Storage.LatchkeyDbContext>();
                await using var transaction = await db.Database.BeginTransactionAsync();
                var installation = await services.GetRequiredService<InstallationStore>().InstallAsync(client.App, client.OrganizationId,
                    ActorMode.Self, client.UserId, client.App.AllowedScopes, client.UserId, null, default);
                var store = services.GetRequiredService<TokenStore>();
                var codes = new Queue<string>();
                for (var i = 0; i < CodesPerWorker; i++)
                {
                    codes.Enqueue(await store.IssueCodeAsync(installation, SeedTokens.Callback, client.App.AllowedScopes, null,
                        ProfileTokenPrefixes.For(client.App.Profile), TimeSpan.FromMinutes(10), default));
                }
                await transaction.CommitAsync();
                return (installation, codes);
            });
            return new Worker(client, installation.Id, codes, random);
        }

        /// <summary>Sends requests until one gets no response (the kill); a non-200 ends the stream as a failure.</summary>
        public async Task RunAsync(Uri server, Progress progress)
        {
            using var http = new HttpClient { BaseAddress = server };
            while (true)
            {
                var sent = _inFlight = Next();
                using var request = OAuthClient.Form("/oauth/token", Fields(sent), client.Basic);
                HttpStatusCode status;
                JsonElement body;
                try
                {
                    using var response = await http.SendAsync(request);
                    status = response.StatusCode;
                    body = await response.JsonAsync();
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                {
                    return;
                }
                _inFlight = null;
                if (status != HttpStatusCode.OK)
                {
                    Failures.Add($"{sent.Grant}: {(int)status} {body}");
                    return;
                }
                var tokens = new Received(body.GetProperty("access_token").GetString()!,
                    body.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null);
                (sent.Grant == Grant.ClientCredentials ? _app : _self).Add(tokens);
                if (sent.Grant == Grant.Code)
                {
                    _redeemed.Add(sent.Presented!);
                }
                progress.Add();
            }
        }

        private Sent Next()
        {
            var roll = random.NextDouble();
            if (_self.Count > 0 && roll < 0.45)
            {
                return new Sent(Grant.Refresh, _self[^1].Refresh);
            }
            if (codes.Count > 0 && roll < 0.75)
            {
                var code = codes.Dequeue();
                _unsent.Remove(code);
                return new Sent(Grant.Code, code);
            }
            return new Sent(Grant.ClientCredentials, null);
        }

        private static IEnumerable<KeyValuePair<string, string>> Fields(Sent sent) => sent.Grant switch
        {
            Grant.Code => [new("grant_type", "authorization_code"), new("code", sent.Presented!), new("redirect_uri", SeedTokens.Callback)],
            Grant.Refresh => [new("grant_type", "refresh_token"), new("refresh_token", sent.Presented!)],
            _ => [new("grant_type", "client_credentials")],
        };

        /// <summary>Asserts the class comment's invariant for both installations; the number of sets whose response was lost.</summary>
        public async Task<int> AssertSurvivedAsync(Tables tables, HttpClient http)
        {
            var selfLost = AssertInstallation(tables, selfInstallation, _self, _inFlight is { Grant: Grant.Code or Grant.Refresh }, withRefresh: true);
            // The app installation exists once a client_credentials request got as far as creating it.
            var appInstallation = tables.InstallationsOf(client.App.Id).Where(id => id != selfInstallation).ToList();
            var appLost = false;
            if (appInstallation.Count == 1)
            {
                appLost = AssertInstallation(tables, appInstallation[0], _app, _inFlight is { Grant: Grant.ClientCredentials }, withRefresh: false);
            }
            else
            {
                Assert.Empty(_app);
            }

            // The in-flight request's other effect went with its tokens, all or nothing.
            if (_inFlight is { Grant: Grant.Code } code)
            {
                Assert.Equal(selfLost, tables.IsConsumed(code.Presented!));
            }
            if (_inFlight is { Grant: Grant.Refresh } refresh)
            {
                Assert.Equal(selfLost, tables.Token(refresh.Presented!).RotatedAt is not null);
            }
            Assert.All(_redeemed, c => Assert.True(tables.IsConsumed(c)));
            Assert.All(_unsent, c => Assert.False(tables.IsConsumed(c)));

            await AssertOverHttpAsync(http, _self, selfLost);
            await AssertOverHttpAsync(http, _app, appLost);
            return (selfLost ? 1 : 0) + (appLost ? 1 : 0);
        }

        /// <summary>Points 1–3 of the class comment on the tables; true in case 3 (the in-flight set committed).</summary>
        private static bool AssertInstallation(Tables tables, Guid installation, List<Received> received, bool inFlight, bool withRefresh)
        {
            var rows = tables.Tokens.Where(t => t.InstallationId == installation).ToList();
            var receivedHashes = received.SelectMany(r => new[] { r.Access, r.Refresh }).OfType<string>().Select(Tables.Key).ToHashSet();
            Assert.Subset(rows.Select(t => Tables.Key(t.Hash)).ToHashSet(), receivedHashes);
            Assert.All(rows.GroupBy(t => (t.FamilyId, t.CreatedAt)), set => Assert.Equal(
                withRefresh ? [TokenKind.AccessToken, TokenKind.RefreshToken] : [TokenKind.AccessToken],
                set.Select(t => t.Kind).Order()));

            var liveRows = rows.Where(t => t.IsActiveAt(DateTimeOffset.UtcNow)).ToList();
            var live = liveRows.Select(t => Tables.Key(t.Hash)).ToHashSet();
            var last = received.Count > 0 ? new[] { received[^1].Access, received[^1].Refresh }.OfType<string>().Select(Tables.Key).ToHashSet() : [];
            if (live.SetEquals(last))
            {
                return false;
            }
            Assert.True(inFlight, $"installation {installation}: live tokens other than the last received set, and no request in flight");
            Assert.Empty(live.Intersect(receivedHashes));
            Assert.Single(liveRows.GroupBy(t => (t.FamilyId, t.CreatedAt)));
            Assert.Equal(withRefresh ? 2 : 1, liveRows.Count);
            Assert.All(rows.Except(liveRows), t => Assert.True(t.CreatedAt < liveRows[0].CreatedAt));
            return true;
        }

        /// <summary>The last received set works after the restart (unless a lost commit superseded it); every earlier one is refused.</summary>
        private async Task AssertOverHttpAsync(HttpClient http, List<Received> received, bool lastSuperseded)
        {
            for (var i = 0; i < received.Count; i++)
            {
                var works = i == received.Count - 1 && !lastSuperseded;
                using var response = await http.SessionAsync(received[i].Access);
                Assert.Equal(works ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, response.StatusCode);
            }
            if (received.Count > 0 && !lastSuperseded && received[^1].Refresh is { } refresh)
            {
                using var request = OAuthClient.Form("/oauth/token", [new("grant_type", "refresh_token"), new("refresh_token", refresh)], client.Basic);
                using var response = await http.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
    }

    /// <summary>The token, code and installation tables as the restarted server found them.</summary>
    private sealed record Tables(List<IssuedToken> Tokens, List<AuthorizationCode> Codes, List<Installation> Installations)
    {
        public static Task<Tables> ReadAsync(LatchkeyTestServer seeder) => seeder.WithDbAsync(async db => new Tables(
            await db.Tokens.AsNoTracking().ToListAsync(),
            await db.AuthorizationCodes.AsNoTracking().ToListAsync(),
            await db.Installations.AsNoTracking().ToListAsync()));

        public static string Key(string token) => Key(TokenCodec.Hash(token));
        public static string Key(byte[] hash) => Convert.ToHexString(hash);

        public IEnumerable<Guid> InstallationsOf(long appId) => Installations.Where(i => i.AppId == appId).Select(i => i.Id);
        public IssuedToken Token(string token) => Tokens.Single(t => t.Hash.SequenceEqual(TokenCodec.Hash(token)));
        public bool IsConsumed(string code) => Codes.Single(c => c.Hash.SequenceEqual(TokenCodec.Hash(code))).ConsumedAt is not null;
    }
}
