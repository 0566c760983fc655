using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Protocol;

/// <summary>
/// The token rules (DESIGN.md rules 3 and 8, "one live token set per installation") under parallel
/// requests: each test fires <see cref="Parallel"/> real POSTs to /oauth/token released together and
/// then reads the tables to prove the end state exactly, on both storage providers.
/// </summary>
public sealed class TokenConcurrencyTests(TokenConcurrencyTests.Servers servers) : IClassFixture<TokenConcurrencyTests.Servers>
{
    private const int Parallel = 20;
    private const string Callback = "https://client.example/callback";

    /// <summary>One server per provider for the class: every test seeds its own org and app, so they don't interfere.</summary>
    public sealed class Servers : IAsyncDisposable
    {
        private readonly Dictionary<DatabaseKind, Task<LatchkeyTestServer>> _started = [];

        public Task<LatchkeyTestServer> For(DatabaseKind kind)
        {
            lock (_started)
            {
                if (!_started.TryGetValue(kind, out var server) || server.IsFaulted)
                {
                    _started[kind] = server = LatchkeyTestServer.StartAsync(kind);
                }
                return server;
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var server in _started.Values.Where(s => s.IsCompletedSuccessfully))
            {
                await (await server).DisposeAsync();
            }
        }
    }

    private sealed record Client(LatchkeyTestServer Server, App App, string Secret, Guid Org, Guid User);

    private async Task<Client> ClientAsync(DatabaseKind kind)
    {
        var server = await servers.For(kind);
        var org = (await server.OrganizationAsync()).Id;
        var user = (await server.UserAsync($"{Guid.NewGuid():N}@example.com", "correct-horse-1", org)).Id;
        var created = await server.AppAsync(org, new AppDraft
        {
            Name = "Racer",
            RedirectUris = [Callback],
            Scopes = ["posts:read"],
            ActorModes = [ActorMode.Self, ActorMode.App],
        });
        return new Client(server, created.App, created.Secret!.Plaintext, org, user);
    }

    /// <summary>Sends <see cref="Parallel"/> copies of one token request, all released at once.</summary>
    private static Task<(HttpStatusCode Status, JsonElement Body)[]> RaceAsync(Client client, params (string Key, string Value)[] fields) =>
        RaceAsync(client, Enumerable.Repeat(fields, Parallel).ToList());

    /// <summary>Sends the token requests, all released at once with <paramref name="alongside"/>.</summary>
    private static Task<(HttpStatusCode Status, JsonElement Body)[]> RaceAsync(Client client,
        IReadOnlyList<(string Key, string Value)[]> requests, Func<Task>? alongside = null) =>
        TokenRace.RaceAsync(client.Server, (client.App.ClientId, client.Secret), requests, alongside);

    private static (string, string)[] Redemption(string code) =>
        [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Callback)];

    private static (JsonElement Winner, IReadOnlyList<JsonElement> Losers) SplitWinner((HttpStatusCode Status, JsonElement Body)[] results)
    {
        var winners = results.Where(r => r.Status == HttpStatusCode.OK).Select(r => r.Body).ToList();
        var losers = results.Where(r => r.Status != HttpStatusCode.OK).ToList();
        Assert.Single(winners);
        Assert.All(losers, r =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.Status);
            Assert.Equal("invalid_grant", r.Body.GetProperty("error").GetString());
        });
        return (winners[0], losers.Select(r => r.Body).ToList());
    }

    private static Task<List<IssuedToken>> FamilyAsync(LatchkeyTestServer server, Guid familyId) =>
        server.WithDbAsync(db => db.Tokens.AsNoTracking().Where(t => t.FamilyId == familyId).OrderBy(t => t.Id).ToListAsync());

    private static Task<AuthorizationCode> CodeRowAsync(LatchkeyTestServer server, string code)
    {
        var hash = TokenCodec.Hash(code);
        return server.WithDbAsync(db => db.AuthorizationCodes.AsNoTracking().SingleAsync(c => c.Hash == hash));
    }

    private static IssuedToken Row(IEnumerable<IssuedToken> rows, JsonElement body, string property)
    {
        var hash = TokenCodec.Hash(body.GetProperty(property).GetString()!);
        return Assert.Single(rows, r => r.Hash.SequenceEqual(hash));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ParallelRedemptionsOfOneCode_OneWins_AndTheReplaysRevokeWhatItIssued(DatabaseKind kind)
    {
        var client = await ClientAsync(kind);
        var (_, code) = await client.Server.CodeAsync(client.App, client.Org, client.User, Callback);

        var results = await RaceAsync(client, Redemption(code));

        var (winner, _) = SplitWinner(results);
        var family = await FamilyAsync(client.Server, (await CodeRowAsync(client.Server, code)).FamilyId);
        // Exactly one token set was issued for the code, and (DESIGN.md rule 3, RFC 6749 §4.1.2) the
        // replays revoked it: every loser ran after the winner committed, whatever the interleaving.
        Assert.Equal(2, family.Count);
        var access = Row(family, winner, "access_token");
        var refresh = Row(family, winner, "refresh_token");
        Assert.Equal(TokenKind.AccessToken, access.Kind);
        Assert.Equal(TokenKind.RefreshToken, refresh.Kind);
        Assert.All(family, t => Assert.NotNull(t.RevokedAt));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ParallelRefreshesOfOneToken_OneRotates_AndTheReusesRevokeTheFamily(DatabaseKind kind)
    {
        var client = await ClientAsync(kind);
        var (_, code) = await client.Server.CodeAsync(client.App, client.Org, client.User, Callback);
        using var http = client.Server.CreateClient();
        var (_, first, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", Callback)], (client.App.ClientId, client.Secret)));

        var results = await RaceAsync(client, ("grant_type", "refresh_token"), ("refresh_token", first.GetProperty("refresh_token").GetString()!));

        // One request rotates the token and gets a new set. Every other one presents a token that is
        // rotated by then: that is reuse (RFC 9700 §4.14.2), so the whole family is revoked, the
        // winner's new set included. The client that won lost its set too: the server cannot tell a
        // legitimate retry from a stolen copy, and failing closed is what §4.14.2 asks.
        var (winner, _) = SplitWinner(results);
        var family = await FamilyAsync(client.Server, (await CodeRowAsync(client.Server, code)).FamilyId);
        Assert.Equal(4, family.Count);
        Assert.Equal(2, family.Count(t => t.Kind == TokenKind.AccessToken));
        var original = Row(family, first, "refresh_token");
        Assert.NotNull(original.RotatedAt);
        var rotated = Row(family, winner, "refresh_token");
        Assert.Null(rotated.RotatedAt);
        Assert.Equal(TokenKind.AccessToken, Row(family, winner, "access_token").Kind);
        Assert.All(family, t => Assert.NotNull(t.RevokedAt));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ParallelClientCredentials_AllSucceed_AndLeaveOneLiveTokenOnOneInstallation(DatabaseKind kind)
    {
        var client = await ClientAsync(kind);

        var results = await RaceAsync(client, ("grant_type", "client_credentials"));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var received = results.Select(r => TokenCodec.Hash(r.Body.GetProperty("access_token").GetString()!)).ToList();
        var installations = await client.Server.WithDbAsync(db =>
            db.Installations.AsNoTracking().Where(i => i.AppId == client.App.Id).ToListAsync());
        var installation = Assert.Single(installations);
        Assert.Null(installation.RevokedAt);
        var tokens = await client.Server.WithDbAsync(db =>
            db.Tokens.AsNoTracking().Where(t => t.InstallationId == installation.Id).ToListAsync());
        // Each request issued exactly its own token, and each issuance revoked every earlier one
        // ("one live token set per installation"), so the last to commit is the one left.
        Assert.Equal(Parallel, tokens.Count);
        Assert.All(tokens, t => Assert.Contains(received, h => h.SequenceEqual(t.Hash)));
        Assert.Single(tokens, t => t.RevokedAt is null);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ParallelCodesAndRefreshesForOneInstallation_LeaveExactlyOneLiveTokenSet(DatabaseKind kind)
    {
        var client = await ClientAsync(kind);
        var (installation, firstCode) = await client.Server.CodeAsync(client.App, client.Org, client.User, Callback);
        using var http = client.Server.CreateClient();
        var (_, first, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            Redemption(firstCode).Select(f => KeyValuePair.Create(f.Item1, f.Item2)), (client.App.ClientId, client.Secret)));
        var codes = new List<string>();
        for (var i = 0; i < Parallel / 2; i++)
        {
            // The user authorizes again: consent updates the same live installation and issues a new code.
            codes.Add((await client.Server.CodeAsync(client.App, client.Org, client.User, Callback)).Code);
        }
        (string, string)[] refresh = [("grant_type", "refresh_token"), ("refresh_token", first.GetProperty("refresh_token").GetString()!)];

        var results = await RaceAsync(client, [.. codes.Select(Redemption), .. Enumerable.Repeat(refresh, Parallel / 2)]);

        // Every fresh code works. The refresh may win once (if it runs before a code's issuance revokes
        // it), the rest are reuse or present a revoked token. Whatever the order, each issuance revoked
        // every token the installation had, so exactly the last one's set is live.
        Assert.All(results[..codes.Count], r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(results[codes.Count..], r => Assert.True(r.Status == HttpStatusCode.OK
            || (r.Status == HttpStatusCode.BadRequest && r.Body.GetProperty("error").GetString() == "invalid_grant"), r.Body.ToString()));
        var live = await client.Server.WithDbAsync(db => db.Tokens.AsNoTracking()
            .Where(t => t.InstallationId == installation.Id && t.RevokedAt == null).ToListAsync());
        Assert.Single(live, t => t.Kind == TokenKind.AccessToken);
        Assert.Single(live, t => t.Kind == TokenKind.RefreshToken);
        Assert.Single(live.Select(t => t.FamilyId).Distinct());
        var access = live.Single(t => t.Kind == TokenKind.AccessToken).Hash;
        var winner = Assert.Single(results[..codes.Count], r => TokenCodec.Hash(r.Body.GetProperty("access_token").GetString()!).SequenceEqual(access));
        Row(live, winner.Body, "refresh_token");
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task UninstallDuringParallelRedemptions_LeavesNoLiveToken(DatabaseKind kind)
    {
        var client = await ClientAsync(kind);
        var codes = new List<string>();
        Latchkey.Installations.Installation installation = null!;
        for (var i = 0; i < Parallel; i++)
        {
            string code;
            (installation, code) = await client.Server.CodeAsync(client.App, client.Org, client.User, Callback);
            codes.Add(code);
        }

        var results = await RaceAsync(client, [.. codes.Select(Redemption)], async () =>
        {
            // Uninstall as soon as the first redemption has committed, while the others are in flight.
            while (await client.Server.WithDbAsync(db => db.Tokens.AnyAsync(t => t.InstallationId == installation.Id)) is false)
            {
                await Task.Yield();
            }
            await client.Server.WithScopeAsync(services =>
                services.GetRequiredService<Latchkey.Installations.InstallationStore>().RevokeAsync(installation.Id, default));
        });

        // Redemptions that committed before the uninstall got tokens, which it then revoked; the ones
        // after it are refused. None issues a token to the revoked installation.
        Assert.Contains(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.OK
            || (r.Status == HttpStatusCode.BadRequest && r.Body.GetProperty("error").GetString() == "invalid_grant"), r.Body.ToString()));
        var tokens = await client.Server.WithDbAsync(db => db.Tokens.AsNoTracking().Where(t => t.InstallationId == installation.Id).ToListAsync());
        Assert.Equal(2 * results.Count(r => r.Status == HttpStatusCode.OK), tokens.Count);
        Assert.All(tokens, t => Assert.NotNull(t.RevokedAt));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task UninstallRacingRefreshes_LeavesNoLiveToken(DatabaseKind kind)
    {
        var client = await ClientAsync(kind);
        using var http = client.Server.CreateClient();
        for (var round = 0; round < 25; round++)
        {
            var (installation, code) = await client.Server.CodeAsync(client.App, client.Org, client.User, Callback);
            var (_, first, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
                Redemption(code).Select(f => KeyValuePair.Create(f.Item1, f.Item2)), (client.App.ClientId, client.Secret)));
            (string, string)[] refresh = [("grant_type", "refresh_token"), ("refresh_token", first.GetProperty("refresh_token").GetString()!)];

            var results = await RaceAsync(client, [refresh, refresh], () => client.Server.WithScopeAsync(services =>
                services.GetRequiredService<Latchkey.Installations.InstallationStore>().RevokeAsync(installation.Id, default)));

            // Whichever commits first, a rotation never leaves a token on the uninstalled installation.
            Assert.All(results, r => Assert.True(r.Status == HttpStatusCode.OK
                || (r.Status == HttpStatusCode.BadRequest && r.Body.GetProperty("error").GetString() == "invalid_grant"), r.Body.ToString()));
            Assert.Empty(await client.Server.WithDbAsync(db => db.Tokens.AsNoTracking()
                .Where(t => t.InstallationId == installation.Id && t.RevokedAt == null).ToListAsync()));
        }
    }
}
