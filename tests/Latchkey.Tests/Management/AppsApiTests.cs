using System.Text.Json;
using Latchkey.Tests.Infrastructure;

using static Latchkey.Tests.Management.ManagementApiKit;

namespace Latchkey.Tests.Management;

/// <summary><c>/api/v1/apps</c>: create, read, list, replace, update, delete, and every way a body can be wrong.</summary>
public sealed class AppsApiTests
{
    private static readonly object FullApp = new
    {
        name = "Acme Sync",
        description = "Keeps Acme in sync.",
        website_url = "https://acme.example",
        logo_url = "https://acme.example/logo.png",
        redirect_uris = new[] { "https://acme.example/cb", "http://localhost:8080/cb" },
        scopes = new[] { "posts:read" },
        actor_modes = new[] { "self", "app" },
        webhook_url = "https://acme.example/hooks",
        webhook_events = new[] { "app.installed" },
    };

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Create_Is201_WithLocationSecretAndEveryField(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (client, _) = await server.ManagementClientAsync();

        using var response = await client.PostAsJsonAsync(ManagementApiKit.Apps, FullApp, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var app = await response.JsonAsync();
        var clientId = app.GetProperty("client_id").GetString()!;
        Assert.StartsWith("lkapp_", clientId, StringComparison.Ordinal);
        Assert.Equal($"/api/v1/apps/{clientId}", response.Headers.Location?.OriginalString);
        var secret = app.GetProperty("client_secret").GetString()!;
        Assert.StartsWith("lksec_", secret, StringComparison.Ordinal);
        Assert.True(app.GetProperty("id").GetInt64() > 0);
        Assert.Equal("Acme Sync", app.GetProperty("name").GetString());
        Assert.Equal("Keeps Acme in sync.", app.GetProperty("description").GetString());
        Assert.Equal("https://acme.example", app.GetProperty("website_url").GetString());
        Assert.Equal("https://acme.example/logo.png", app.GetProperty("logo_url").GetString());
        Assert.Equal(["https://acme.example/cb", "http://localhost:8080/cb"], app.GetProperty("redirect_uris").Strings());
        Assert.Equal(["posts:read"], app.GetProperty("scopes").Strings());
        Assert.Equal(["self", "app"], app.GetProperty("actor_modes").Strings());
        Assert.Equal("https://acme.example/hooks", app.GetProperty("webhook_url").GetString());
        Assert.Equal(["app.installed"], app.GetProperty("webhook_events").Strings());
        Assert.False(app.GetProperty("public").GetBoolean());
        Assert.Equal("standard", app.GetProperty("profile").GetString());
        Assert.Equal("active", app.GetProperty("status").GetString());
        Assert.True(app.GetProperty("created_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.True(app.GetProperty("updated_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        var only = Assert.Single(app.GetProperty("secrets").EnumerateArray());
        Assert.Equal(["id", "hint", "created_at", "expires_at"], only.EnumerateObject().Select(p => p.Name));
        Assert.Equal(secret[^4..], only.GetProperty("hint").GetString());
        Assert.Equal(JsonValueKind.Null, only.GetProperty("expires_at").ValueKind);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Crud_CreateGetListUpdateDelete(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (client, _) = await server.ManagementClientAsync();
        var created = await client.CreateAppAsync(FullApp);
        var path = $"{ManagementApiKit.Apps}/{created.GetProperty("client_id").GetString()}";

        using var get = await client.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var fetched = await get.JsonAsync();
        Assert.False(fetched.TryGetProperty("client_secret", out _));
        Assert.False(fetched.TryGetProperty("webhook_secret", out _));
        foreach (var field in created.EnumerateObject().Where(p => p.Name is not ("client_secret" or "webhook_secret")))
        {
            Assert.Equal(field.Value.GetRawText(), fetched.GetProperty(field.Name).GetRawText());
        }

        using var list = await client.GetAsync(ManagementApiKit.Apps, Ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var listed = Assert.Single((await list.JsonAsync()).GetProperty("data").EnumerateArray());
        Assert.Equal(fetched.GetRawText(), listed.GetRawText());

        using var patch = await client.PatchAsJsonAsync(path, new { name = "Acme Sync 2" }, Ct);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var patched = await patch.JsonAsync();
        Assert.Equal("Acme Sync 2", patched.GetProperty("name").GetString());
        Assert.Equal("Keeps Acme in sync.", patched.GetProperty("description").GetString());

        using var put = await client.SendJsonAsync(HttpMethod.Put, path, """{"name": "Acme Lite", "redirect_uris": ["https://lite.example/cb"]}""");
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var replaced = await (await client.GetAsync(path, Ct)).JsonAsync();
        Assert.Equal("Acme Lite", replaced.GetProperty("name").GetString());
        Assert.Equal(["https://lite.example/cb"], replaced.GetProperty("redirect_uris").Strings());
        Assert.Equal(JsonValueKind.Null, replaced.GetProperty("description").ValueKind);

        using var delete = await client.DeleteAsync(path, Ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await (await client.GetAsync(path, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync(path, Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty((await (await client.GetAsync(ManagementApiKit.Apps, Ct)).JsonAsync()).GetProperty("data").EnumerateArray());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task List_ShowsOnlyTheKeysOrganization(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (mine, _) = await server.ManagementClientAsync();
        var (theirs, _) = await server.ManagementClientAsync();
        var own = await mine.CreateAppAsync();
        await theirs.CreateAppAsync();
        await theirs.CreateAppAsync();

        var listed = (await (await mine.GetAsync(ManagementApiKit.Apps, Ct)).JsonAsync()).GetProperty("data");

        Assert.Equal([own.GetProperty("client_id").GetString()],
            listed.EnumerateArray().Select(a => a.GetProperty("client_id").GetString()));
    }

    [Fact]
    public async Task Put_OmittedFields_TakeTheDefaultsOfANewApp()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();
        var created = await client.CreateAppAsync(FullApp);
        var path = $"{ManagementApiKit.Apps}/{created.GetProperty("client_id").GetString()}";
        var fresh = await client.CreateAppAsync(new { name = "Fresh", redirect_uris = new[] { ManagementApiKit.GoodRedirect } });

        var replaced = await (await client.PutAsJsonAsync(path, new { name = "Fresh", redirect_uris = new[] { ManagementApiKit.GoodRedirect } }, Ct)).JsonAsync();

        foreach (var field in new[] { "description", "website_url", "logo_url", "scopes", "actor_modes", "webhook_url", "webhook_events" })
        {
            Assert.Equal(fresh.GetProperty(field).GetRawText(), replaced.GetProperty(field).GetRawText());
        }
        Assert.Equal(created.GetProperty("created_at").GetRawText(), replaced.GetProperty("created_at").GetRawText());
    }

    [Fact]
    public async Task Patch_OmittedOrNullFieldsKeep_EmptyClears()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();
        var created = await client.CreateAppAsync(FullApp);
        var path = $"{ManagementApiKit.Apps}/{created.GetProperty("client_id").GetString()}";

        using var response = await client.SendJsonAsync(HttpMethod.Patch, path,
            """{"description": "", "webhook_events": [], "logo_url": null}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var patched = await response.JsonAsync();
        Assert.Equal(JsonValueKind.Null, patched.GetProperty("description").ValueKind);
        Assert.Empty(patched.GetProperty("webhook_events").EnumerateArray());
        Assert.Equal("https://acme.example/logo.png", patched.GetProperty("logo_url").GetString());
        foreach (var field in new[] { "name", "website_url", "redirect_uris", "scopes", "actor_modes", "webhook_url" })
        {
            Assert.Equal(created.GetProperty(field).GetRawText(), patched.GetProperty(field).GetRawText());
        }
    }

    [Theory]
    [InlineData("PUT", """{"name": "x", "redirect_uris": ["https://a.example/cb"], "profile": "fub"}""", "profile")]
    [InlineData("PATCH", """{"profile": "fub"}""", "profile")]
    [InlineData("PATCH", """{"public": true}""", "public")]
    [InlineData("PATCH", """{"client_id": "lkapp_x"}""", "client_id")]
    public async Task Update_FieldsFixedAtCreation_Are400(string method, string body, string field)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();
        var path = $"{ManagementApiKit.Apps}/{(await client.CreateAppAsync()).GetProperty("client_id").GetString()}";

        await (await client.SendJsonAsync(new HttpMethod(method), path, body)).AssertValidationProblemAsync(field);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Update_Invalid_Is400AndChangesNothing(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (client, _) = await server.ManagementClientAsync();
        var created = await client.CreateAppAsync(FullApp);
        var path = $"{ManagementApiKit.Apps}/{created.GetProperty("client_id").GetString()}";

        await (await client.SendJsonAsync(HttpMethod.Patch, path, """{"name": "Renamed", "redirect_uris": ["https://ok.example/cb", "http://evil.example/cb"]}"""))
            .AssertValidationProblemAsync("redirect_uris");

        var after = await (await client.GetAsync(path, Ct)).JsonAsync();
        Assert.Equal(created.GetProperty("name").GetRawText(), after.GetProperty("name").GetRawText());
        Assert.Equal(created.GetProperty("redirect_uris").GetRawText(), after.GetProperty("redirect_uris").GetRawText());
        Assert.Equal(created.GetProperty("updated_at").GetRawText(), after.GetProperty("updated_at").GetRawText());
    }

    [Fact]
    public async Task Create_PublicClient_HasNoSecret()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        var app = await client.CreateAppAsync(new { name = "SPA", redirect_uris = new[] { ManagementApiKit.GoodRedirect }, @public = true });

        Assert.True(app.GetProperty("public").GetBoolean());
        Assert.Equal(JsonValueKind.Null, app.GetProperty("client_secret").ValueKind);
        Assert.Empty(app.GetProperty("secrets").EnumerateArray());
    }

    [Theory]
    [InlineData("standard", "lkapp_")]
    [InlineData("featureos", "foapp_")]
    [InlineData("fub", "lkapp_")]
    [InlineData("fillout", "lkapp_")]
    [InlineData("onboardbase", "lkapp_")]
    [InlineData("FeatureOS", "foapp_")]
    public async Task Create_WithProfile_RecordsIt(string profile, string clientIdPrefix)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        var app = await client.CreateAppAsync(new { name = "P", redirect_uris = new[] { ManagementApiKit.GoodRedirect }, profile });

        Assert.Equal(profile.ToLowerInvariant(), app.GetProperty("profile").GetString());
        Assert.StartsWith(clientIdPrefix, app.GetProperty("client_id").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"oauth2\"")]
    [InlineData("\"\"")]
    [InlineData("\"Standard \"")]
    [InlineData("3")]
    public async Task Create_BadProfile_Is400NamingProfile(string profile)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        using var response = await client.SendJsonAsync(HttpMethod.Post, ManagementApiKit.Apps,
            $$"""{"name": "P", "redirect_uris": ["https://client.example/cb"], "profile": {{profile}}}""");

        await response.AssertValidationProblemAsync("profile");
    }

    public static TheoryData<string> BadRedirectUris =>
    [
        "https://client.example/cb#fragment",
        "/relative/callback",
        "client.example/cb",
        "http://client.example/cb",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "",
        "   ",
        "https://client.example/c b",
        " https://client.example/cb",
        "https://user:pass@client.example/cb",
        "https://user@client.example/cb",
        "https://client.example/" + new string('a', 2000),
        "ftp://client.example/cb",
        "com.example.app:/callback",
    ];

    [Theory, MemberData(nameof(BadRedirectUris))]
    public async Task Create_BadRedirectUri_Is400NamingRedirectUris(string uri)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        using var response = await client.PostAsJsonAsync(ManagementApiKit.Apps, new { name = "R", redirect_uris = new[] { uri } }, Ct);

        await response.AssertValidationProblemAsync("redirect_uris");
        Assert.Empty((await (await client.GetAsync(ManagementApiKit.Apps, Ct)).JsonAsync()).GetProperty("data").EnumerateArray());
    }

    [Theory]
    [InlineData("https://client.example/cb")]
    [InlineData("https://client.example:8443/oauth/callback?tenant=1")]
    [InlineData("http://localhost:8080/cb")]
    [InlineData("http://127.0.0.1/cb")]
    [InlineData("http://[::1]:3000/cb")]
    public async Task Create_GoodRedirectUri_Is201(string uri)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        var app = await client.CreateAppAsync(new { name = "R", redirect_uris = new[] { uri } });

        Assert.Equal([uri], app.GetProperty("redirect_uris").Strings());
    }

    [Fact]
    public async Task Create_NoRedirectUri_Is400()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        await (await client.PostAsJsonAsync(ManagementApiKit.Apps, new { name = "R" }, Ct)).AssertValidationProblemAsync("redirect_uris");
    }

    [Theory]
    [InlineData("http://localhost:8080/cb")]
    [InlineData("https://localhost/cb")]
    [InlineData("http://127.0.0.1/cb")]
    [InlineData("https://[::1]:3000/cb")]
    public async Task Create_FubProfileWithLoopbackRedirect_Is400(string uri)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        using var response = await client.PostAsJsonAsync(ManagementApiKit.Apps, new { name = "F", redirect_uris = new[] { uri }, profile = "fub" }, Ct);

        Assert.Contains("Follow Up Boss", await response.AssertValidationProblemAsync("redirect_uris"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_EveryInvalidField_IsReportedAtOnce()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        using var response = await client.SendJsonAsync(HttpMethod.Post, ManagementApiKit.Apps, """
            {
              "name": " ",
              "website_url": "ftp://acme.example",
              "logo_url": "not a url",
              "redirect_uris": ["http://acme.example/cb"],
              "scopes": ["everything"],
              "actor_modes": ["robot"],
              "webhook_events": ["app installed"]
            }
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.Equal(
            ["actor_modes", "logo_url", "name", "redirect_uris", "scopes", "webhook_events", "website_url"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("""{"name": "x", "redirect_uri": "https://client.example/cb"}""", "redirect_uri")]
    [InlineData("""{"name": "x", "redirect_uris": ["https://client.example/cb"], "Name": "y"}""", "Name")]
    [InlineData("""{"name": "x", "redirect_uris": ["https://client.example/cb"], "secret": "lksec_mine"}""", "secret")]
    [InlineData("""{"name": "x", "name": "y", "redirect_uris": ["https://client.example/cb"]}""", "name")]
    [InlineData("""{"name": "x", "redirect_uris": "https://client.example/cb"}""", "redirect_uris")]
    [InlineData("""{"name": "x", "redirect_uris": ["https://client.example/cb"], "public": "yes"}""", "public")]
    [InlineData("""{"name": 7, "redirect_uris": ["https://client.example/cb"]}""", "name")]
    [InlineData("""{"name": "x", "redirect_uris": [1]}""", "redirect_uris")]
    public async Task Create_UnknownRepeatedOrMistypedField_Is400NamingIt(string body, string field)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        await (await client.SendJsonAsync(HttpMethod.Post, ManagementApiKit.Apps, body)).AssertValidationProblemAsync(field);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"name\": \"x\",}")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"app\"")]
    [InlineData("{\"name\": \"x\"} {}")]
    public async Task Create_MalformedJson_Is400(string body)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        await (await client.SendJsonAsync(HttpMethod.Post, ManagementApiKit.Apps, body)).AssertValidationProblemAsync("body");
    }

    [Fact]
    public async Task Create_FormBody_Is415()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        using var response = await client.PostAsync(ManagementApiKit.Apps,
            new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "x", ["redirect_uris"] = ManagementApiKit.GoodRedirect }), Ct);

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Create_NoBody_Is400()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();

        using var response = await client.PostAsync(ManagementApiKit.Apps, null, Ct);

        await response.AssertValidationProblemAsync("body");
    }
}
