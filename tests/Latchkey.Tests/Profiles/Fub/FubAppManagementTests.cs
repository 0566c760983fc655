using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Latchkey.Apps;
using Latchkey.Management;
using Latchkey.Profiles;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Profiles.Fub;

/// <summary>FUB app management, <c>POST</c> and <c>PUT /v1/oauthApps</c> (seed 000), over HTTP as a FUB client sends it.</summary>
public sealed partial class FubAppManagementTests
{
    private const string Path = "/v1/oauthApps";

    // Seed 000's request bodies, byte for byte apart from the indentation: the create body's trailing comma is the seed's.
    private const string SeedCreateBody = FubKit.SeedCreateBody;
    private const string SeedUpdateBody = """
        {
            "redirectUris": ["https://www.reddit.com", "https://www.google.com"]
        }
        """;

    private static readonly string[] LegacyErrorFields = ["success", "errorMessage", "errorDetails", "errorCode"];

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Create_SeedExample_AnswersExactlyTheSeedsFields(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server, "Test OAuth Client");
        using var client = server.CreateClient();
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        using var response = await SendAsync(client, HttpMethod.Post, SeedCreateBody, ("x-System", system.Name), ("X-System-Key", key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var root = json.RootElement;
        Assert.Equal(["id", "name", "redirectUris", "clientId", "clientSecret", "status", "createdAt", "updatedAt"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Number, root.GetProperty("id").ValueKind);
        Assert.Equal("Test OAuth Client", root.GetProperty("name").GetString());
        Assert.Equal(["http://www.yoursite.com/oauth/redirect"], Strings(root.GetProperty("redirectUris")));
        var clientId = root.GetProperty("clientId").GetString();
        var secret = root.GetProperty("clientSecret").GetString();
        Assert.True(TokenCodec.IsWellFormed(clientId, TokenPrefixes.Default.ClientId), clientId);
        Assert.True(TokenCodec.IsWellFormed(secret, TokenPrefixes.Default.ClientSecret), "clientSecret is not a well-formed lksec_ secret");
        Assert.Equal(JsonValueKind.Number, root.GetProperty("status").ValueKind);
        Assert.Equal(1, root.GetProperty("status").GetInt32());
        var createdAt = root.GetProperty("createdAt").GetString()!;
        Assert.Matches(FubTimestamp(), createdAt);
        Assert.Equal(createdAt, root.GetProperty("updatedAt").GetString());
        var created = DateTimeOffset.Parse(createdAt, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(created, before, DateTimeOffset.UtcNow.AddSeconds(1));

        var stored = await server.WithDbAsync(db => db.Apps.Include(a => a.Secrets).SingleAsync(a => a.ClientId == clientId));
        Assert.Equal(root.GetProperty("id").GetInt64(), stored.Id);
        Assert.Equal(ProfileName.Fub, stored.Profile);
        Assert.Equal(system.Id, stored.RegisteredSystemId);
        Assert.Equal(system.OrganizationId, stored.OrganizationId);
        Assert.True(ClientSecrets.Verify(stored, secret!, DateTimeOffset.UtcNow));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Create_WithName_UsesTheName(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server);
        using var client = server.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Post,
            """{"name": "Listings Sync", "redirectUris": ["https://sync.example/cb"]}""", Credentials(system, key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = await JsonAsync(response);
        Assert.Equal("Listings Sync", json.RootElement.GetProperty("name").GetString());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Update_SeedExample_AnswersExactlyClientIdAndRedirectUris(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server, "Test OAuth Client");
        using var client = server.CreateClient();
        var (clientId, secret) = await CreateAsync(client, system, key);

        using var response = await SendAsync(client, HttpMethod.Put, SeedUpdateBody, ("x-system", system.Name), ("X-System-Key", key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(["clientId", "redirectUris"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(clientId, json.RootElement.GetProperty("clientId").GetString());
        Assert.Equal(["https://www.reddit.com", "https://www.google.com"], Strings(json.RootElement.GetProperty("redirectUris")));
        // Seed 000: the secret "is only returned by the API when the application is initially created".
        Assert.DoesNotContain("clientSecret", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);

        var stored = await StoredAsync(server, clientId);
        Assert.Equal(["https://www.reddit.com", "https://www.google.com"], stored.RedirectUris);
        Assert.Equal("Test OAuth Client", stored.Name);
        Assert.True(ClientSecrets.Verify(stored, secret, DateTimeOffset.UtcNow), "an update must not change the secret");
    }

    [Theory, MemberData(nameof(OtherContentTypes))]
    public async Task Create_WithoutJsonContentType_StillReadsTheBody(DatabaseKind kind, string contentType)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server);
        using var client = server.CreateClient();
        HttpContent Body()
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(SeedCreateBody));
            if (contentType.Length > 0)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
            return content;
        }

        // curl --data without -H 'Content-Type: application/json' sends application/x-www-form-urlencoded.
        using var anonymous = await SendAsync(client, HttpMethod.Post, Body());
        using var response = await SendAsync(client, HttpMethod.Post, Body(), Credentials(system, key));

        await AssertLegacyErrorAsync(anonymous, HttpStatusCode.Unauthorized, "invalid_system");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory, MemberData(nameof(LoopbackUris))]
    public async Task Create_LoopbackRedirectUri_Is400AndWritesNothing(DatabaseKind kind, string uri)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server);
        using var client = server.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Post, RedirectBody(uri), Credentials(system, key));

        var error = await AssertLegacyErrorAsync(response, HttpStatusCode.BadRequest, "invalid_redirect_uri");
        Assert.Equal("Redirect URI is invalid", error.GetProperty("errorMessage").GetString());
        Assert.Contains(Strings(error.GetProperty("errorDetails")), d => d.Contains(uri, StringComparison.Ordinal));
        Assert.Equal(0, await AppCountAsync(server));
    }

    [Theory, MemberData(nameof(UpdateLoopbackUris))]
    public async Task Update_LoopbackRedirectUri_Is400AndChangesNothing(DatabaseKind kind, string uri)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server);
        using var client = server.CreateClient();
        var (clientId, _) = await CreateAsync(client, system, key);

        using var response = await SendAsync(client, HttpMethod.Put, RedirectBody(uri), Credentials(system, key));

        await AssertLegacyErrorAsync(response, HttpStatusCode.BadRequest, "invalid_redirect_uri");
        Assert.Equal(["http://www.yoursite.com/oauth/redirect"], (await StoredAsync(server, clientId)).RedirectUris);
    }

    [Theory, MemberData(nameof(BadBodies))]
    public async Task Create_BadBody_Is400InFubShapeAndWritesNothing(DatabaseKind kind, string body, string errorCode)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server);
        using var client = server.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Post, body, Credentials(system, key));

        await AssertLegacyErrorAsync(response, HttpStatusCode.BadRequest, errorCode);
        Assert.Equal(0, await AppCountAsync(server));
    }

    [Theory, MemberData(nameof(UpdateBadBodies))]
    public async Task Update_BadBody_Is400InFubShapeAndChangesNothing(DatabaseKind kind, string body, string errorCode)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server);
        using var client = server.CreateClient();
        var (clientId, _) = await CreateAsync(client, system, key);

        using var response = await SendAsync(client, HttpMethod.Put, body, Credentials(system, key));

        await AssertLegacyErrorAsync(response, HttpStatusCode.BadRequest, errorCode);
        Assert.Equal(["http://www.yoursite.com/oauth/redirect"], (await StoredAsync(server, clientId)).RedirectUris);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Create_NameTooLong_Is400InvalidName(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server);
        using var client = server.CreateClient();
        var body = $$"""{"name": "{{new string('n', 101)}}", "redirectUris": ["https://a.example/cb"]}""";

        using var response = await SendAsync(client, HttpMethod.Post, body, Credentials(system, key));

        await AssertLegacyErrorAsync(response, HttpStatusCode.BadRequest, "invalid_name");
        Assert.Equal(0, await AppCountAsync(server));
    }

    [Theory, MemberData(nameof(BadCredentials))]
    public async Task Create_BadSystemCredentials_Is401AndWritesNothing(DatabaseKind kind, string credentials)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var org = await server.OrganizationAsync();
        var (system, key) = await server.SystemAsync(org.Id);
        var (_, otherKey) = await server.SystemAsync(org.Id);
        using var client = server.CreateClient();
        (string, string)[] headers = credentials switch
        {
            "no headers" => [],
            "no key" => [("X-System", system.Name)],
            "no system" => [("X-System-Key", key)],
            "empty key" => [("X-System", system.Name), ("X-System-Key", "")],
            "another system's key" => [("X-System", system.Name), ("X-System-Key", otherKey)],
            "unknown system" => [("X-System", "Nobody Registered"), ("X-System-Key", key)],
            "FUB-style hex key" => [("X-System", system.Name), ("X-System-Key", "560270f7914b5b4a5f4dc1793ebc2796")],
            "key with a typo" => [("X-System", system.Name), ("X-System-Key", key[..^1] + (key[^1] == 'a' ? 'b' : 'a'))],
            "repeated system header" => [("X-System", system.Name), ("X-System", system.Name), ("X-System-Key", key)],
            _ => throw new ArgumentOutOfRangeException(nameof(credentials), credentials, null),
        };

        using var response = await SendAsync(client, HttpMethod.Post, SeedCreateBody, headers);

        await AssertLegacyErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_system");
        Assert.StartsWith("X-System", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await AppCountAsync(server));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Update_WrongKey_Is401AndChangesNothing(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server);
        var (_, otherKey) = await server.SystemAsync(system.OrganizationId);
        using var client = server.CreateClient();
        var (clientId, _) = await CreateAsync(client, system, key);

        using var wrong = await SendAsync(client, HttpMethod.Put, SeedUpdateBody, Credentials(system, otherKey));
        using var missing = await SendAsync(client, HttpMethod.Put, SeedUpdateBody);

        await AssertLegacyErrorAsync(wrong, HttpStatusCode.Unauthorized, "invalid_system");
        await AssertLegacyErrorAsync(missing, HttpStatusCode.Unauthorized, "invalid_system");
        Assert.Equal(["http://www.yoursite.com/oauth/redirect"], (await StoredAsync(server, clientId)).RedirectUris);
    }

    [Theory, MemberData(nameof(HeaderSpellings))]
    public async Task HeaderNames_AreCaseInsensitive(DatabaseKind kind, string systemHeader, string keyHeader)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server);
        using var client = server.CreateClient();

        using var created = await SendAsync(client, HttpMethod.Post, SeedCreateBody, (systemHeader, system.Name), (keyHeader, key));
        using var updated = await SendAsync(client, HttpMethod.Put, SeedUpdateBody, (systemHeader, system.Name), (keyHeader, key));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Update_AnotherSystemsApp_Is404AndChangesNothing(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (owner, ownerKey) = await SystemAsync(server);
        var (intruder, intruderKey) = await server.SystemAsync(owner.OrganizationId);
        using var client = server.CreateClient();
        var (clientId, _) = await CreateAsync(client, owner, ownerKey);

        using var named = await SendAsync(client, HttpMethod.Put, UpdateBody(clientId, "https://evil.example/cb"), Credentials(intruder, intruderKey));
        using var unnamed = await SendAsync(client, HttpMethod.Put, SeedUpdateBody, Credentials(intruder, intruderKey));

        await AssertLegacyErrorAsync(named, HttpStatusCode.NotFound, "not_found");
        await AssertLegacyErrorAsync(unnamed, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(["http://www.yoursite.com/oauth/redirect"], (await StoredAsync(server, clientId)).RedirectUris);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Update_AnotherOrganizationsApp_Is404AndChangesNothing(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (owner, ownerKey) = await SystemAsync(server);
        var (outsider, outsiderKey) = await SystemAsync(server);
        using var client = server.CreateClient();
        var (clientId, _) = await CreateAsync(client, owner, ownerKey);
        await CreateAsync(client, outsider, outsiderKey);

        using var response = await SendAsync(client, HttpMethod.Put, UpdateBody(clientId, "https://evil.example/cb"), Credentials(outsider, outsiderKey));

        await AssertLegacyErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(["http://www.yoursite.com/oauth/redirect"], (await StoredAsync(server, clientId)).RedirectUris);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Update_AppNotMadeByASystem_Is404(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server);
        var portalApp = await server.AppAsync(system.OrganizationId);
        using var client = server.CreateClient();

        using var response = await SendAsync(client, HttpMethod.Put, UpdateBody(portalApp.App.ClientId, "https://evil.example/cb"), Credentials(system, key));

        await AssertLegacyErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal(["https://client.example/callback"], (await StoredAsync(server, portalApp.App.ClientId)).RedirectUris);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Update_SeveralAppsWithoutClientId_Is400_AndClientIdPicksOne(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (system, key) = await SystemAsync(server);
        using var client = server.CreateClient();
        var (first, _) = await CreateAsync(client, system, key);
        var (second, _) = await CreateAsync(client, system, key);

        using var ambiguous = await SendAsync(client, HttpMethod.Put, SeedUpdateBody, Credentials(system, key));
        using var named = await SendAsync(client, HttpMethod.Put, UpdateBody(second, "https://second.example/cb"), Credentials(system, key));

        var error = await AssertLegacyErrorAsync(ambiguous, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains(Strings(error.GetProperty("errorDetails")), d => d.StartsWith("clientId", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        using var json = await JsonAsync(named);
        Assert.Equal(second, json.RootElement.GetProperty("clientId").GetString());
        Assert.Equal(["https://second.example/cb"], (await StoredAsync(server, second)).RedirectUris);
        Assert.Equal(["http://www.yoursite.com/oauth/redirect"], (await StoredAsync(server, first)).RedirectUris);
    }

    public static TheoryData<DatabaseKind, string> LoopbackUris => OnBoth(
        "http://localhost/oauth/redirect",
        "https://localhost:8443/oauth/redirect",
        "http://LOCALHOST:3000/cb",
        "http://127.0.0.1/oauth/redirect",
        "https://127.0.0.2:8443/cb",
        "http://[::1]/oauth/redirect",
        "https://[::1]:8443/cb");

    public static TheoryData<DatabaseKind, string> OtherContentTypes => OnBoth("", "text/plain", "application/x-www-form-urlencoded");

    // PUT reads its body with the same code as POST, so its tables keep one row per kind of fault.
    public static TheoryData<DatabaseKind, string> UpdateLoopbackUris => OnBoth(
        "http://localhost/oauth/redirect", "http://127.0.0.1/oauth/redirect", "http://[::1]/oauth/redirect");

    public static TheoryData<DatabaseKind, string, string> BadBodies => OnBoth(
        ("", "invalid_request"),
        ("not json", "invalid_request"),
        ("null", "invalid_request"),
        ("[]", "invalid_request"),
        ("""{"redirectUris": ["https://a.example/cb"]""", "invalid_request"),
        ("{}", "invalid_request"),
        ("""{"redirectUris": null}""", "invalid_request"),
        ("""{"redirectUris": "https://a.example/cb"}""", "invalid_request"),
        ("""{"redirectUris": [1]}""", "invalid_request"),
        ("""{"redirectUris": [null]}""", "invalid_request"),
        ("""{"redirectUris": [["https://a.example/cb"]]}""", "invalid_request"),
        ("""{"redirectUris": ["https://a.example/cb"], "name": 5}""", "invalid_request"),
        ("""{"redirectUris": ["https://a.example/cb"], "redirectUris": ["https://b.example/cb"]}""", "invalid_request"),
        ("""{"redirectUris": []}""", "invalid_redirect_uri"),
        ("""{"redirectUris": [""]}""", "invalid_redirect_uri"),
        ("""{"redirectUris": ["/oauth/redirect"]}""", "invalid_redirect_uri"),
        ("""{"redirectUris": ["https://a.example/cb#x"]}""", "invalid_redirect_uri"),
        ("""{"redirectUris": ["ftp://a.example/cb"]}""", "invalid_redirect_uri"),
        ("""{"redirectUris": ["https://user:pw@a.example/cb"]}""", "invalid_redirect_uri"),
        ("""{"redirectUris": ["https://a.example/cb", "http://localhost/cb"]}""", "invalid_redirect_uri"));

    public static TheoryData<DatabaseKind, string, string> UpdateBadBodies => OnBoth(
        ("not json", "invalid_request"),
        ("{}", "invalid_request"),
        ("""{"redirectUris": [1]}""", "invalid_request"),
        ("""{"redirectUris": ["https://a.example/cb"], "redirectUris": ["https://b.example/cb"]}""", "invalid_request"),
        ("""{"redirectUris": []}""", "invalid_redirect_uri"));

    public static TheoryData<DatabaseKind, string> BadCredentials => OnBoth(
        "no headers", "no key", "no system", "empty key", "another system's key", "unknown system",
        "FUB-style hex key", "key with a typo", "repeated system header");

    public static TheoryData<DatabaseKind, string, string> HeaderSpellings => OnBoth(
        ("X-System", "X-System-Key"),
        ("x-System", "X-System-Key"),
        ("x-system", "x-system-key"),
        ("X-SYSTEM", "X-SYSTEM-KEY"));

    /// <summary>Every row on both storage providers, like <see cref="Databases.Both"/>.</summary>
    private static TheoryData<DatabaseKind, string> OnBoth(params string[] rows)
    {
        var data = new TheoryData<DatabaseKind, string>();
        foreach (var kind in Enum.GetValues<DatabaseKind>())
        {
            foreach (var row in rows)
            {
                data.Add(kind, row);
            }
        }
        return data;
    }

    private static TheoryData<DatabaseKind, string, string> OnBoth(params (string, string)[] rows)
    {
        var data = new TheoryData<DatabaseKind, string, string>();
        foreach (var kind in Enum.GetValues<DatabaseKind>())
        {
            foreach (var (first, second) in rows)
            {
                data.Add(kind, first, second);
            }
        }
        return data;
    }

    private static async Task<(RegisteredSystem System, string Key)> SystemAsync(LatchkeyTestServer server, string? name = null) =>
        await server.SystemAsync((await server.OrganizationAsync()).Id, name);

    private static (string, string)[] Credentials(RegisteredSystem system, string key) =>
        [("X-System", system.Name), ("X-System-Key", key)];

    /// <summary>Sends <paramref name="body"/> as-is (the seed's bodies are not valid strict JSON) with headers spelled exactly as given.</summary>
    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string body, params (string Name, string Value)[] headers) =>
        SendAsync(client, method, new StringContent(body, Encoding.UTF8, "application/json"), headers);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, HttpContent content, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, Path) { Content = content };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static string RedirectBody(string uri) => JsonSerializer.Serialize(new { redirectUris = new[] { uri } });

    private static string UpdateBody(string clientId, string uri) => JsonSerializer.Serialize(new { clientId, redirectUris = new[] { uri } });

    /// <summary>Creates an app with the seed's body and returns its client id and secret.</summary>
    private static async Task<(string ClientId, string Secret)> CreateAsync(HttpClient client, RegisteredSystem system, string key)
    {
        using var response = await SendAsync(client, HttpMethod.Post, SeedCreateBody, Credentials(system, key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = await JsonAsync(response);
        return (json.RootElement.GetProperty("clientId").GetString()!, json.RootElement.GetProperty("clientSecret").GetString()!);
    }

    private static Task<App> StoredAsync(LatchkeyTestServer server, string clientId) =>
        server.WithDbAsync(db => db.Apps.AsNoTracking().Include(a => a.Secrets).SingleAsync(a => a.ClientId == clientId));

    private static Task<int> AppCountAsync(LatchkeyTestServer server) => server.WithDbAsync(db => db.Apps.CountAsync());

    private static async Task<JsonDocument> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

    /// <summary>FUB's legacy envelope (FACTS.md): exactly success=false, errorMessage, errorDetails[string], errorCode.</summary>
    private static async Task<JsonElement> AssertLegacyErrorAsync(HttpResponseMessage response, HttpStatusCode status, string errorCode)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(LegacyErrorFields, root.EnumerateObject().Select(p => p.Name));
        Assert.False(root.GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("errorMessage").GetString()));
        Assert.Equal(JsonValueKind.Array, root.GetProperty("errorDetails").ValueKind);
        Assert.All(root.GetProperty("errorDetails").EnumerateArray(), d => Assert.Equal(JsonValueKind.String, d.ValueKind));
        Assert.Equal(errorCode, root.GetProperty("errorCode").GetString());
        return root;
    }

    private static string[] Strings(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new Xunit.Sdk.XunitException($"not a string: {e}"))];

    /// <summary>Seed 000's <c>2025-01-27T24:59:59Z</c>: UTC, whole seconds, no offset.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex FubTimestamp();
}
