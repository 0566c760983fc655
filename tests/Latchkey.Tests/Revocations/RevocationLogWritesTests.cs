using Latchkey.Revocations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Revocations;

/// <summary>
/// The log entries the token operations write, where DESIGN.md rules 3 and 8 meet the log: a replayed code's revocation is
/// logged with it, and a request that changes nothing logs nothing, so resource servers drop only what really ended.
/// Each test makes its own client: a client's installation, and so its log entries, would carry over between tests.
/// </summary>
public sealed class RevocationLogWritesTests(TokenServer fixture) : IClassFixture<TokenServer>
{
    private LatchkeyTestServer Server => fixture.Server;

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ReplayedCode_RevokesWhatTheFirstRedemptionIssued_InOneLoggedTransaction(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var client = await server.ClientAsync();
        var (installation, code) = await server.CodeAsync(client.App, client.OrganizationId, client.UserId, SeedTokens.Callback);
        using var http = server.CreateClient();
        var first = await RedeemAsync(http, client, code);
        var access = first.Body.GetProperty("access_token").GetString()!;

        var replay = await RedeemAsync(http, client, code);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.BadRequest), (first.Status, replay.Status));
        Assert.False(await server.IsLiveAsync(access));
        Assert.Equal([RevocationKind.Installation], await EntriesAsync(server, installation.Id));
    }

    [Fact]
    public async Task RevokingAnAccessTokenTwice_LogsItOnce()
    {
        var client = await Server.ClientAsync();
        var (access, _) = await Server.SelfTokensAsync(client);
        var installationId = await InstallationOfAsync(access);
        using var http = Server.CreateClient();

        for (var i = 0; i < 2; i++)
        {
            using var revoked = await http.SendAsync(OAuthClient.Form("/oauth/revoke", [new("token", access)], client.Basic));
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        Assert.Equal([RevocationKind.Token], await EntriesAsync(Server, installationId));
    }

    [Fact]
    public async Task AnotherAppsToken_IsNotRevoked_NorLogged()
    {
        var (access, _) = await Server.SelfTokensAsync(await Server.ClientAsync());
        var installationId = await InstallationOfAsync(access);
        using var http = Server.CreateClient();

        using var revoked = await http.SendAsync(OAuthClient.Form("/oauth/revoke", [new("token", access)], fixture.Other.Basic));

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.True(await Server.IsLiveAsync(access));
        Assert.Empty(await EntriesAsync(Server, installationId));
    }

    [Fact]
    public async Task ARefreshThatFails_RevokesNothing_AndLogsNothing()
    {
        var client = await Server.ClientAsync();
        var (access, refresh) = await Server.SelfTokensAsync(client);
        var installationId = await InstallationOfAsync(access);
        using var http = Server.CreateClient();

        var (status, _, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "refresh_token"), new("refresh_token", refresh), new("scope", "posts:read admin")], client.Basic));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(await Server.IsLiveAsync(access));
        Assert.Empty(await EntriesAsync(Server, installationId));
    }

    [Fact]
    public async Task AFirstTokenSet_ReplacesNothing_AndLogsNothing()
    {
        var (access, _) = await Server.SelfTokensAsync(await Server.ClientAsync());

        Assert.Empty(await EntriesAsync(Server, await InstallationOfAsync(access)));
    }

    private static Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response)> RedeemAsync(
        HttpClient http, TestClient client, string code) =>
        http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", SeedTokens.Callback)], client.Basic));

    private Task<Guid> InstallationOfAsync(string access) =>
        Server.WithScopeAsync(async services => (await services.GetRequiredService<TokenLookup>().FindAsync(access, null, default))!.InstallationId);

    private static Task<List<RevocationKind>> EntriesAsync(LatchkeyTestServer server, Guid installationId) =>
        server.WithDbAsync(db => db.Revocations.Where(r => r.InstallationId == installationId).OrderBy(r => r.Id).Select(r => r.Kind).ToListAsync());
}
