using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

using static Latchkey.Tests.Installations.InstallationsKit;

namespace Latchkey.Tests.Installations;

// Here, not above: inside the namespace its JsonAsync is found before OAuthClient's twin.
using static Latchkey.Tests.Management.ManagementApiKit;

/// <summary><c>/api/v1/installations</c>: what a target organization's management key sees of the apps installed in it,
/// and uninstalling them, which ends every token at once (DESIGN.md "Tokens", rule 7).</summary>
public sealed class InstallationsApiTests(SharedServers servers) : IClassFixture<SharedServers>
{
    /// <summary>Every route that names an installation; <c>{id}</c> stands for it.</summary>
    private static readonly (string Method, string Path)[] InstallationRoutes = [("GET", Api + "/{id}"), ("DELETE", Api + "/{id}")];
    private static readonly (string Method, string Path)[] EveryRoute = [("GET", Api), .. InstallationRoutes];

    public static TheoryData<DatabaseKind, string, string> RoutesOnBothProviders =>
        [.. from kind in Enum.GetValues<DatabaseKind>() from route in InstallationRoutes select (kind, route.Method, route.Path)];

    private static HttpClient KeyedClient(LatchkeyTestServer server, string key) => server.CreateClient().WithBearer(key);

    private static async Task<HttpClient> TargetClientAsync(Installed installed) =>
        KeyedClient(installed.Server, await installed.Server.ManagementKeyAsync(installed.Target.Id));

    private static HttpRequestMessage Request(string method, string route, Guid id) =>
        new(new HttpMethod(method), route.Replace("{id}", id.ToString(), StringComparison.Ordinal));

    private static async Task<JsonElement[]> ListAsync(HttpClient client, string query = "")
    {
        using var response = await client.GetAsync(Api + query, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).GetProperty("data").EnumerateArray()];
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task List_ShowsTheAppsInstalledInTheKeysOrganization_WithEveryField(DatabaseKind kind)
    {
        var server = await servers.ForAsync(kind);
        var installed = await server.InstallAsync("Acme Sync", ownerName: "Acme " + Guid.NewGuid().ToString("N")[..6], scopes: ["posts:read", "posts:write"]);
        var client = await TargetClientAsync(installed);

        var only = Assert.Single(await ListAsync(client));

        Assert.Equal(["id", "app", "actor", "user", "scopes", "installed_by", "created_at", "updated_at", "last_used_at", "revoked_at"],
            only.EnumerateObject().Select(p => p.Name));
        Assert.Equal(installed.InstallationId, only.GetProperty("id").GetGuid());
        var app = only.GetProperty("app");
        Assert.Equal(installed.App.ClientId, app.GetProperty("client_id").GetString());
        Assert.Equal("Acme Sync", app.GetProperty("name").GetString());
        Assert.Equal(installed.Owner.Name, app.GetProperty("owner_organization_name").GetString());
        Assert.Equal("self", only.GetProperty("actor").GetString());
        Assert.Equal(installed.User.Id, only.GetProperty("user").GetProperty("id").GetGuid());
        Assert.Equal(installed.User.Email, only.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal(["posts:read", "posts:write"], only.GetProperty("scopes").Strings());
        Assert.Equal(installed.User.Email, only.GetProperty("installed_by").GetProperty("email").GetString());
        Assert.True(only.GetProperty("created_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.True(only.GetProperty("updated_at").GetDateTimeOffset() >= only.GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, only.GetProperty("revoked_at").ValueKind);
        Assert.NotEqual(JsonValueKind.Undefined, only.GetProperty("last_used_at").ValueKind);
        // The list shows no credential: not the tokens, not the client secret.
        var raw = only.GetRawText();
        Assert.DoesNotContain(installed.AccessToken, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(installed.Secret, raw, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Get_ShowsTheSameInstallationAsTheList(DatabaseKind kind)
    {
        var server = await servers.ForAsync(kind);
        var installed = await server.InstallAsync();
        var client = await TargetClientAsync(installed);

        using var response = await client.GetAsync(installed.Path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Assert.Single(await ListAsync(client)).GetRawText(), (await response.JsonAsync()).GetRawText());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Delete_Uninstalls_AndEveryTokenFailsAtOnce(DatabaseKind kind)
    {
        var server = await servers.ForAsync(kind);
        var installed = await server.InstallAsync();
        var client = await TargetClientAsync(installed);

        using var response = await client.DeleteAsync(installed.Path, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await installed.AssertUninstalledAsync();
        Assert.Empty(await ListAsync(client));
        var fetched = await (await client.GetAsync(installed.Path, Ct)).JsonAsync();
        Assert.True(fetched.GetProperty("revoked_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task Delete_AlsoRefusesACodeIssuedBefore()
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync();
        // Consent again: the same live installation gets a second code, not yet redeemed.
        var (again, code) = await server.CodeAsync(installed.App, installed.Target.Id, installed.User.Id, Callback, ["posts:read"]);
        Assert.Equal(installed.InstallationId, again.Id);

        (await (await TargetClientAsync(installed)).DeleteAsync(installed.Path, Ct)).Dispose();
        var (status, body, _) = await server.CreateClient().ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", Callback)], (installed.App.ClientId, installed.Secret)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Empty(await server.WithDbAsync(db => db.Tokens.Where(t => t.InstallationId == installed.InstallationId && t.RevokedAt == null).ToListAsync()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Delete_Again_Is204_AndKeepsTheFirstRevocationTime(DatabaseKind kind)
    {
        var server = await servers.ForAsync(kind);
        var installed = await server.InstallAsync();
        var client = await TargetClientAsync(installed);
        (await client.DeleteAsync(installed.Path, Ct)).Dispose();
        var first = (await (await client.GetAsync(installed.Path, Ct)).JsonAsync()).GetProperty("revoked_at").GetRawText();

        using var again = await client.DeleteAsync(installed.Path, Ct);

        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(first, (await (await client.GetAsync(installed.Path, Ct)).JsonAsync()).GetProperty("revoked_at").GetRawText());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task IncludeRevoked_AddsRevokedInstallations_WithRevokedAt(DatabaseKind kind)
    {
        var server = await servers.ForAsync(kind);
        var removed = await server.InstallAsync("Removed");
        var kept = await server.InstallAsync("Kept", target: removed.Target);
        var client = await TargetClientAsync(removed);
        (await client.DeleteAsync(removed.Path, Ct)).Dispose();

        var live = await ListAsync(client);
        var all = await ListAsync(client, "?include=revoked");

        Assert.Equal([kept.InstallationId], live.Select(i => i.GetProperty("id").GetGuid()));
        Assert.Equal([removed.InstallationId, kept.InstallationId], all.Select(i => i.GetProperty("id").GetGuid()));
        Assert.Equal(JsonValueKind.String, all[0].GetProperty("revoked_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, all[1].GetProperty("revoked_at").ValueKind);
        await kept.AssertStillInstalledAsync();
    }

    [Theory]
    [InlineData("?include=")]
    [InlineData("?include=all")]
    [InlineData("?include=REVOKED")]
    [InlineData("?include=revoked&include=revoked")]
    public async Task Include_AnythingButRevoked_Is400NamingInclude(string query)
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync();

        using var response = await (await TargetClientAsync(installed)).GetAsync(Api + query, Ct);

        await response.AssertValidationProblemAsync("include");
    }

    [Fact]
    public async Task AppActorInstall_HasNoUser_AndNobodyInstalledIt()
    {
        var server = await servers.ForAsync();
        var (app, secret, owner) = await server.OwnedAppAsync();
        var id = await server.ClientCredentialsInstallAsync(app, secret);

        var only = Assert.Single(await ListAsync(KeyedClient(server, await server.ManagementKeyAsync(owner.Id))));

        Assert.Equal(id, only.GetProperty("id").GetGuid());
        Assert.Equal(ActorMode.App, only.GetProperty("actor").GetString());
        Assert.Equal(JsonValueKind.Null, only.GetProperty("user").ValueKind);
        Assert.Equal(JsonValueKind.Null, only.GetProperty("installed_by").ValueKind);
        Assert.Equal(owner.Name, only.GetProperty("app").GetProperty("owner_organization_name").GetString());
    }

    [Fact]
    public async Task EachUsersSelfInstall_IsListedSeparately()
    {
        var server = await servers.ForAsync();
        var first = await server.InstallAsync();
        var second = await server.UserAsync($"{Guid.NewGuid():N}@example.com", Portal.PortalBrowser.Password, first.Target.Id);
        var other = await server.InstallAsync(first.App, first.Secret, first.Owner, first.Target, second);

        var listed = await ListAsync(await TargetClientAsync(first));

        Assert.Equal([first.User.Email, second.Email], listed.Select(i => i.GetProperty("user").GetProperty("email").GetString()));
        Assert.NotEqual(first.InstallationId, other.InstallationId);
    }

    /// <summary>The organization that owns the app is not the one that installed it: it neither sees nor ends the installation.</summary>
    [Theory, MemberData(nameof(RoutesOnBothProviders))]
    public async Task AppOwnersKey_Is404_ForAnInstallationInAnotherOrganization(DatabaseKind kind, string method, string route)
    {
        var server = await servers.ForAsync(kind);
        var installed = await server.InstallAsync();
        var owner = KeyedClient(server, await server.ManagementKeyAsync(installed.Owner.Id));

        using var response = await owner.SendAsync(Request(method, route, installed.InstallationId), Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(await ListAsync(owner));
        Assert.Empty(await ListAsync(owner, "?include=revoked"));
        await installed.AssertStillInstalledAsync();
    }

    [Theory, MemberData(nameof(RoutesOnBothProviders))]
    public async Task OtherOrganizationsKey_Is404_OnEveryRoute_AndChangesNothing(DatabaseKind kind, string method, string route)
    {
        var server = await servers.ForAsync(kind);
        var installed = await server.InstallAsync();
        var stranger = KeyedClient(server, await server.ManagementKeyAsync((await server.OrganizationAsync()).Id));

        using var foreign = await stranger.SendAsync(Request(method, route, installed.InstallationId), Ct);
        using var missing = await stranger.SendAsync(Request(method, route, Guid.CreateVersion7()), Ct);

        var foreignProblem = await foreign.AssertProblemAsync(HttpStatusCode.NotFound);
        var missingProblem = await missing.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(missingProblem.GetProperty("title").GetString(), foreignProblem.GetProperty("title").GetString());
        Assert.Empty(await ListAsync(stranger, "?include=revoked"));
        await installed.AssertStillInstalledAsync();
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task NotAnInstallationId_Is404(string method)
    {
        var server = await servers.ForAsync();
        var client = KeyedClient(server, await server.ManagementKeyAsync((await server.OrganizationAsync()).Id));

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), Api + "/not-a-uuid"), Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task NoKey_Is401_WithABareBearerChallenge_OnEveryRoute()
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync();

        foreach (var (method, route) in EveryRoute)
        {
            using var response = await server.CreateClient().SendAsync(Request(method, route, installed.InstallationId), Ct);

            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
        await installed.AssertStillInstalledAsync();
    }

    /// <summary>Garbage, a well-formed key never issued, and the installation's own credentials: none is a management key.</summary>
    [Theory]
    [InlineData("lkkey_garbage")]
    [InlineData("{unissued_key}")]
    [InlineData("{access_token}")]
    [InlineData("{client_secret}")]
    public async Task BadKey_Is401_WithInvalidToken_OnEveryRoute(string key)
    {
        var server = await servers.ForAsync();
        var installed = await server.InstallAsync();
        key = key.Replace("{unissued_key}", TokenCodec.Mint(TokenPrefixes.ManagementKey), StringComparison.Ordinal)
            .Replace("{access_token}", installed.AccessToken, StringComparison.Ordinal)
            .Replace("{client_secret}", installed.Secret, StringComparison.Ordinal);

        foreach (var (method, route) in EveryRoute)
        {
            using var response = await KeyedClient(server, key).SendAsync(Request(method, route, installed.InstallationId), Ct);

            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        }
        await installed.AssertStillInstalledAsync();
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheInstallationRoutes()
    {
        var server = await servers.ForAsync();

        var document = await (await server.CreateClient().GetAsync("/openapi/v1.json", Ct)).JsonAsync();

        var paths = document.GetProperty("paths");
        var expected = new Dictionary<string, (string Method, string[] Statuses)[]>
        {
            [Api] = [("get", ["200", "400", "401"])],
            [Api + "/{installation_id}"] = [("get", ["200", "401", "404"]), ("delete", ["204", "401", "404"])],
        };
        foreach (var (path, operations) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"the document should list {path}");
            foreach (var (method, statuses) in operations)
            {
                var operation = item.GetProperty(method);
                Assert.Equal(statuses, operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
                Assert.Equal("ManagementKey", operation.GetProperty("security")[0].EnumerateObject().Single().Name);
                Assert.Equal("Installations", operation.GetProperty("tags")[0].GetString());
            }
        }
        var include = paths.GetProperty(Api).GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Single(p => p.GetProperty("name").GetString() == "include");
        Assert.Equal("query", include.GetProperty("in").GetString());
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty("InstallationResponse").GetProperty("properties");
        Assert.Superset(new HashSet<string> { "id", "app", "actor", "user", "scopes", "installed_by", "created_at", "updated_at", "last_used_at", "revoked_at" },
            schema.EnumerateObject().Select(p => p.Name).ToHashSet());
    }
}
