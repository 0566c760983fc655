using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

using static Latchkey.Tests.Installations.InstallationsKit;

namespace Latchkey.Tests.Installations;

// Here, not above: inside the namespace its JsonAsync is found before OAuthClient's twin.
using static Latchkey.Tests.Management.ManagementApiKit;

/// <summary>
/// "Last used" of an installation (issue 3, "Installations"): a live access token checked as a Bearer credential, or
/// introspected by a resource server, moves it; the API shows it as <c>last_used_at</c> and both pages show it. It is
/// written at most once a minute, and a failed write never fails the request.
/// </summary>
public sealed class LastUsedTests(LastUsedTests.ClockedServers servers) : IClassFixture<LastUsedTests.ClockedServers>
{
    /// <summary>One server per provider on a <see cref="ManualClock"/>. Tests of a class run one at a time and each
    /// installs its own app in its own organization, so moving the clock disturbs none of them.</summary>
    public sealed class ClockedServers : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<DatabaseKind, Lazy<Task<(LatchkeyTestServer, ManualClock)>>> _started = new();

        public Task<(LatchkeyTestServer Server, ManualClock Clock)> ForAsync(DatabaseKind kind = DatabaseKind.Sqlite) =>
            _started.GetOrAdd(kind, k => new(async () =>
            {
                var clock = new ManualClock();
                return (await LatchkeyTestServer.StartAsync(k, services: s => s.AddSingleton<TimeProvider>(clock)), clock);
            })).Value;

        public async ValueTask DisposeAsync()
        {
            foreach (var started in _started.Values.Where(s => s.IsValueCreated && s.Value.IsCompletedSuccessfully))
            {
                await (await started.Value).Item1.DisposeAsync();
            }
        }
    }

    private static async Task<JsonElement> LastUsedAsync(Installed installed)
    {
        using var client = installed.Server.CreateClient().WithBearer(await installed.Server.ManagementKeyAsync(installed.Target.Id));
        using var response = await client.GetAsync(installed.Path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("last_used_at");
    }

    private static async Task AssertLastUsedAsync(Installed installed, DateTimeOffset expected) =>
        Assert.Equal(expected, (await LastUsedAsync(installed)).GetDateTimeOffset());

    private static async Task UseAsync(Installed installed)
    {
        using var http = installed.Server.CreateClient();
        using var session = await http.SessionAsync(installed.AccessToken);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
    }

    private static Task<HttpResponseMessage> IntrospectAsync(Installed installed, (string Id, string Secret) caller) =>
        installed.Server.CreateClient().SendAsync(OAuthClient.Form("/oauth/introspect", [new("token", installed.AccessToken)], caller));

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ABearerUse_RecordsLastUsed_InTheApi(DatabaseKind kind)
    {
        var (server, clock) = await servers.ForAsync(kind);
        var installed = await server.InstallAsync();
        Assert.Equal(JsonValueKind.Null, (await LastUsedAsync(installed)).ValueKind);

        await UseAsync(installed);

        await AssertLastUsedAsync(installed, clock.GetUtcNow());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task UsesWithinAMinute_WriteNothing_AndAfterAMinuteTheTimeMoves(DatabaseKind kind)
    {
        var (server, clock) = await servers.ForAsync(kind);
        var installed = await server.InstallAsync();
        await UseAsync(installed);
        var first = clock.GetUtcNow();

        clock.Advance(TimeSpan.FromSeconds(59));
        await UseAsync(installed);
        await AssertLastUsedAsync(installed, first);

        clock.Advance(TimeSpan.FromSeconds(2));
        await UseAsync(installed);
        await AssertLastUsedAsync(installed, clock.GetUtcNow());
    }

    [Fact]
    public async Task AResourceServerIntrospecting_IsUse_TheAppAskingAboutItsOwnTokenIsNot()
    {
        var (server, clock) = await servers.ForAsync();
        var installed = await server.InstallAsync();

        using (var asked = await IntrospectAsync(installed, (installed.App.ClientId, installed.Secret)))
        {
            Assert.True((await asked.JsonAsync()).GetProperty("active").GetBoolean());
        }
        Assert.Equal(JsonValueKind.Null, (await LastUsedAsync(installed)).ValueKind);

        using (var asked = await IntrospectAsync(installed, await server.ResourceServerAsync()))
        {
            Assert.True((await asked.JsonAsync()).GetProperty("active").GetBoolean());
        }
        await AssertLastUsedAsync(installed, clock.GetUtcNow());
    }

    [Fact]
    public async Task RefusedTokens_AreNoUse()
    {
        var (server, _) = await servers.ForAsync();
        var installed = await server.InstallAsync();
        using var http = server.CreateClient();

        // A refresh token is no Bearer credential, and a resource server is told it is inactive.
        using (var session = await http.SessionAsync(installed.RefreshToken))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
        }
        using (var asked = await server.CreateClient().SendAsync(OAuthClient.Form("/oauth/introspect",
            [new("token", installed.RefreshToken)], await server.ResourceServerAsync())))
        {
            Assert.False((await asked.JsonAsync()).GetProperty("active").GetBoolean());
        }

        Assert.Equal(JsonValueKind.Null, (await LastUsedAsync(installed)).ValueKind);
    }

    [Fact]
    public async Task ThePages_ShowLastUsed()
    {
        var (server, clock) = await servers.ForAsync();
        var installed = await server.InstallAsync();
        var admin = await server.MemberBrowserAsync(installed.Target, OrganizationRole.Admin);
        var user = await server.BrowserForAsync(installed.User);
        Assert.Contains("<td>never</td>", await admin.GetPageAsync(AdminPage), StringComparison.Ordinal);
        Assert.Contains("<td>never</td>", await user.GetPageAsync(UserPage), StringComparison.Ordinal);

        await UseAsync(installed);

        var shown = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
        Assert.Contains($"<td>{shown}</td>", await admin.GetPageAsync(AdminPage), StringComparison.Ordinal);
        Assert.Contains($"<td>{shown}</td>", await user.GetPageAsync(UserPage), StringComparison.Ordinal);
        Assert.Contains($"<dd>{shown}</dd>", await admin.GetPageAsync(UninstallPage(installed.InstallationId)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedWrite_NeverFailsTheRequest()
    {
        // Its own server: the trigger refuses every installation's write.
        await using var server = await LatchkeyTestServer.StartAsync();
        var installed = await server.InstallAsync();
        await server.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
            "CREATE TRIGGER refuse_usage BEFORE UPDATE OF LastUsedAt ON installations BEGIN SELECT RAISE(ABORT, 'usage writes refused'); END;"));

        await UseAsync(installed);
        using var asked = await IntrospectAsync(installed, await server.ResourceServerAsync());

        Assert.True((await asked.JsonAsync()).GetProperty("active").GetBoolean());
        Assert.Null((await server.InstallationAsync(installed.InstallationId)).LastUsedAt);
    }
}
