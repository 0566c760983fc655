using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

using static Latchkey.Tests.Management.ManagementApiKit;

namespace Latchkey.Tests.Management;

/// <summary>Who may call <c>/api/v1</c>: only a live management key, and only for its own organization's apps (DESIGN.md rule 7).</summary>
public sealed class ManagementApiAuthTests
{
    /// <summary>Every route of the API that names an app; <c>{app}</c> and <c>{secret}</c> stand for the target app and a secret of it.</summary>
    private static readonly (string Method, string Path)[] AppRoutes =
    [
        ("GET", "/api/v1/apps/{app}"),
        ("PUT", "/api/v1/apps/{app}"),
        ("PATCH", "/api/v1/apps/{app}"),
        ("DELETE", "/api/v1/apps/{app}"),
        ("POST", "/api/v1/apps/{app}/secrets"),
        ("DELETE", "/api/v1/apps/{app}/secrets/{secret}"),
    ];

    public static TheoryData<string, string> Routes => [.. AppRoutes];

    public static TheoryData<DatabaseKind, string, string> RoutesOnBothProviders =>
        [.. from kind in Enum.GetValues<DatabaseKind>() from route in AppRoutes select (kind, route.Method, route.Path)];

    [Theory, MemberData(nameof(RoutesOnBothProviders))]
    public async Task OtherOrganizationsApp_Is404_OnEveryRoute(DatabaseKind kind, string method, string route)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (owner, _) = await server.ManagementClientAsync();
        var (stranger, _) = await server.ManagementClientAsync();
        var app = await owner.CreateAppAsync();
        // Make a rotated-out secret exist, so the revoke route would succeed for the owner.
        using var rotation = await owner.PostAsync($"{ManagementApiKit.Apps}/{app.GetProperty("client_id").GetString()}/secrets", null, Ct);
        var previous = (await rotation.JsonAsync()).GetProperty("previous_secret").GetProperty("id").GetInt64();
        var path = route.Replace("{app}", app.GetProperty("client_id").GetString(), StringComparison.Ordinal)
            .Replace("{secret}", previous.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var before = (await (await owner.GetAsync(path.Split("/secrets")[0], Ct)).Content.ReadAsStringAsync(Ct));

        using var response = await stranger.SendJsonAsync(new HttpMethod(method), path,
            """{"name": "Hijacked", "redirect_uris": ["https://evil.example/cb"]}""");

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        var after = await (await owner.GetAsync(path.Split("/secrets")[0], Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Equal(before, after);
    }

    [Theory, MemberData(nameof(Routes))]
    public async Task OtherOrganizationsApp_LooksLikeAMissingOne(string method, string route)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (owner, _) = await server.ManagementClientAsync();
        var (stranger, _) = await server.ManagementClientAsync();
        var app = await owner.CreateAppAsync();
        var secret = app.GetProperty("secrets")[0].GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        string PathFor(string clientId) => route.Replace("{app}", clientId, StringComparison.Ordinal).Replace("{secret}", secret, StringComparison.Ordinal);
        const string body = """{"name": "x", "redirect_uris": ["https://a.example/cb"]}""";

        using var foreign = await stranger.SendJsonAsync(new HttpMethod(method), PathFor(app.GetProperty("client_id").GetString()!), body);
        using var missing = await stranger.SendJsonAsync(new HttpMethod(method), PathFor(TokenCodec.Mint(TokenPrefixes.Default.ClientId)), body);

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(missing.StatusCode, foreign.StatusCode);
        var foreignProblem = await foreign.JsonAsync();
        var missingProblem = await missing.JsonAsync();
        Assert.Equal(missingProblem.GetProperty("title").GetString(), foreignProblem.GetProperty("title").GetString());
    }

    public static TheoryData<string> BadAuthorizations =>
    [
        "Bearer",
        "Bearer ",
        "Bearer lkkey_",
        "Bearer lkkey_garbage",
        "Bearer not-a-key",
        "Basic bGtrZXk6c2VjcmV0",
        "lkkey_no_scheme",
    ];

    [Theory, MemberData(nameof(BadAuthorizations))]
    public async Task MalformedKey_Is401(string authorization)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var client = server.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        await AssertUnauthorizedAsync(await client.GetAsync(ManagementApiKit.Apps, Ct));
        await AssertUnauthorizedAsync(await client.PostAsJsonAsync(ManagementApiKit.Apps, new { name = "x", redirect_uris = new[] { ManagementApiKit.GoodRedirect } }, Ct));
        Assert.Empty(await server.WithDbAsync(db => db.Apps.ToListAsync()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task UnknownKey_Is401WithInvalidToken(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        await server.ManagementClientAsync();
        // Well formed, checksum and all, but never issued: only the database can tell.
        var client = server.CreateClient().WithBearer(TokenCodec.Mint(TokenPrefixes.ManagementKey));

        using var response = await client.GetAsync(ManagementApiKit.Apps, Ct);

        await AssertUnauthorizedAsync(response);
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task RevokedKey_Is401(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var org = await server.OrganizationAsync();
        var key = await server.ManagementKeyAsync(org.Id);
        var client = server.CreateClient().WithBearer(key);
        var app = await client.CreateAppAsync();

        await server.WithDbAsync(db => db.ManagementKeys.Where(k => k.OrganizationId == org.Id)
            .ExecuteUpdateAsync(k => k.SetProperty(x => x.RevokedAt, DateTimeOffset.UtcNow)));

        await AssertUnauthorizedAsync(await client.GetAsync(ManagementApiKit.Apps, Ct));
        await AssertUnauthorizedAsync(await client.GetAsync($"{ManagementApiKit.Apps}/{app.GetProperty("client_id").GetString()}", Ct));
    }

    [Fact]
    public async Task NoKey_Is401WithABareBearerChallenge()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var client = server.CreateClient();

        using var response = await client.GetAsync(ManagementApiKit.Apps, Ct);

        await AssertUnauthorizedAsync(response);
        // RFC 6750 §3.1: no error code when the request carried no credentials.
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        await AssertUnauthorizedAsync(await client.PostAsJsonAsync(ManagementApiKit.Apps, new { name = "x", redirect_uris = new[] { ManagementApiKit.GoodRedirect } }, Ct));
    }

    [Fact]
    public async Task BearerScheme_IsCaseInsensitive()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var org = await server.OrganizationAsync();
        var client = server.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "bearer " + await server.ManagementKeyAsync(org.Id));

        using var response = await client.GetAsync(ManagementApiKit.Apps, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }
}
