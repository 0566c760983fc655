using System.Text.Json;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Cli;

/// <summary>DESIGN.md "Operator interface": each command's happy path, and wrong input = one line on stderr, exit 2, nothing written.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        Assert.Equal(0, (await Run("org", "create", "--name", "Acme")).ExitCode);
    }

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    private Task<CliRun.Outcome> Run(params string[] args) => CliRun.RunAsync(_database.ConnectionString, args);

    private static JsonElement Json(CliRun.Outcome run)
    {
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);
        using var document = JsonDocument.Parse(run.Out);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task OrgCreate_Json_PrintsOneObject()
    {
        var org = Json(await Run("org", "create", "--name", "Globex", "--json"));

        Assert.Equal("Globex", org.GetProperty("name").GetString());
        Assert.True(Guid.TryParse(org.GetProperty("id").GetString(), out _));
    }

    [Fact]
    public async Task UserCreate_WithOrgAndRole_MakesAMember()
    {
        var user = Json(await Run("user", "create", "--email", "ada@example.com", "--password", "correct-horse-1", "--org", "Acme", "--role", "admin", "--json"));

        Assert.Equal("ada@example.com", user.GetProperty("email").GetString());
        Assert.Equal("admin", user.GetProperty("role").GetString());
        var stored = await CountAsync();
        Assert.Equal(1, stored.Users);
        Assert.Equal(1, stored.Memberships);
    }

    [Fact]
    public async Task UserCreate_StoresAPasswordHashNotThePassword()
    {
        await Run("user", "create", "--email", "bob@example.com", "--password", "correct-horse-2");

        await using var server = await LatchkeyTestServer.AttachAsync(_database.ConnectionString);
        var hash = await server.WithDbAsync(db => db.Users.Select(u => u.PasswordHash).SingleAsync());
        Assert.NotNull(hash);
        Assert.DoesNotContain("correct-horse-2", hash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SystemCreate_PrintsNameAndKeyOnce_StoresOnlyTheHash()
    {
        var system = Json(await Run("system", "create", "--name", "My CRM", "--org", "Acme", "--json"));

        var key = system.GetProperty("key").GetString()!;
        Assert.Equal("My CRM", system.GetProperty("name").GetString());
        Assert.True(TokenCodec.IsWellFormed(key, TokenPrefixes.SystemKey));
        await using var server = await LatchkeyTestServer.AttachAsync(_database.ConnectionString);
        var stored = await server.WithDbAsync(db => db.RegisteredSystems.SingleAsync());
        Assert.Equal(TokenCodec.Hash(key), stored.KeyHash);
    }

    [Fact]
    public async Task KeyCreate_PrintsAWorkingManagementKey()
    {
        var key = Json(await Run("key", "create", "--org", "Acme", "--json")).GetProperty("key").GetString()!;

        Assert.True(TokenCodec.IsWellFormed(key, TokenPrefixes.ManagementKey));
        await using var server = await LatchkeyTestServer.AttachAsync(_database.ConnectionString);
        var stored = await server.WithDbAsync(db => db.ManagementKeys.SingleAsync());
        Assert.Equal(TokenCodec.Hash(key), stored.Hash);
    }

    [Fact]
    public async Task AppCreate_PrintsClientIdAndSecretOnce()
    {
        var app = Json(await Run("app", "create", "--org", "Acme", "--name", "Zap",
            "--redirect-uri", "https://zap.example/cb", "--redirect-uri", "http://127.0.0.1:9000/cb",
            "--scope", "posts:read", "--scope", "posts:write", "--actor-mode", "self", "--actor-mode", "app", "--json"));

        var clientId = app.GetProperty("client_id").GetString()!;
        var secret = app.GetProperty("client_secret").GetString()!;
        Assert.True(TokenCodec.IsWellFormed(clientId, TokenPrefixes.Default.ClientId));
        Assert.True(TokenCodec.IsWellFormed(secret, TokenPrefixes.Default.ClientSecret));
        Assert.Equal(["https://zap.example/cb", "http://127.0.0.1:9000/cb"], app.GetProperty("redirect_uris").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["self", "app"], app.GetProperty("actor_modes").EnumerateArray().Select(e => e.GetString()));
        await using var server = await LatchkeyTestServer.AttachAsync(_database.ConnectionString);
        var hashes = await server.WithDbAsync(db => db.ClientSecrets.Select(s => s.Hash).ToListAsync());
        Assert.Equal([TokenCodec.Hash(secret)], hashes);
    }

    [Fact]
    public async Task AppCreate_FeatureOsProfile_UsesFeatureOsPrefixes()
    {
        var app = Json(await Run("app", "create", "--org", "Acme", "--name", "Fo", "--redirect-uri", "https://fo.example/cb", "--profile", "featureos", "--json"));

        Assert.StartsWith("foapp_", app.GetProperty("client_id").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("fosec_", app.GetProperty("client_secret").GetString(), StringComparison.Ordinal);
        Assert.Equal("featureos", app.GetProperty("profile").GetString());
    }

    [Fact]
    public async Task AppCreate_Public_HasNoSecret()
    {
        var app = Json(await Run("app", "create", "--org", "Acme", "--name", "Cli", "--redirect-uri", "http://localhost:7777/cb", "--public", "--json"));

        Assert.Equal(JsonValueKind.Null, app.GetProperty("client_secret").ValueKind);
        Assert.True(app.GetProperty("is_public").GetBoolean());
    }

    [Fact]
    public async Task Help_DescribesEveryCommand()
    {
        var help = await Run("--help");

        Assert.Equal(0, help.ExitCode);
        foreach (var command in new[] { "serve", "migrate", "org", "user", "system", "key", "app" })
        {
            Assert.Contains(command, help.Out, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string[], string> WrongInput => new()
    {
        { ["org", "create", "--name", "Acme"], "already exists" },
        { ["org", "create", "--name", "   "], "1 to 100" },
        { ["org", "create"], "--name" },
        { ["org", "create", "--name", "X", "--bogus"], "--bogus" },
        { ["user", "create", "--email", "not-an-email", "--password", "long-enough-1"], "not an email" },
        { ["user", "create", "--email", "a@example.com", "--password", "short"], "at least 10" },
        { ["user", "create", "--email", "a@example.com", "--password", "long-enough-1", "--org", "Nope"], "No organization" },
        { ["user", "create", "--email", "a@example.com", "--password", "long-enough-1", "--role", "admin"], "--role needs --org" },
        { ["user", "create", "--email", "a@example.com", "--password", "long-enough-1", "--org", "Acme", "--role", "emperor"], "emperor" },
        { ["system", "create", "--name", "S", "--org", "Nope"], "No organization" },
        { ["system", "create", "--name", "", "--org", "Acme"], "1 to 100" },
        { ["key", "create", "--org", "Nope"], "No organization" },
        { ["app", "create", "--org", "Nope", "--name", "A", "--redirect-uri", "https://a.example/cb"], "No organization" },
        { ["app", "create", "--org", "Acme", "--name", "A", "--redirect-uri", "http://a.example/cb"], "only https" },
        { ["app", "create", "--org", "Acme", "--name", "A", "--redirect-uri", "https://a.example/cb#x"], "fragment" },
        { ["app", "create", "--org", "Acme", "--name", "A", "--redirect-uri", "/relative"], "absolute" },
        { ["app", "create", "--org", "Acme", "--name", "A", "--redirect-uri", "https://a.example/cb", "--scope", "everything"], "not a scope" },
        { ["app", "create", "--org", "Acme", "--name", "A", "--redirect-uri", "https://a.example/cb", "--actor-mode", "robot"], "not an actor mode" },
        { ["app", "create", "--org", "Acme", "--name", "A", "--redirect-uri", "https://a.example/cb", "--profile", "github"], "not a profile" },
        { ["app", "create", "--org", "Acme", "--name", "A", "--redirect-uri", "http://localhost/cb", "--profile", "fub"], "publicly reachable" },
        { ["app", "create", "--org", "Acme", "--name", "A"], "--redirect-uri" },
        { ["serve", "--profile", "github"], "not a profile" },
        { ["frobnicate"], "frobnicate" },
    };

    [Theory, MemberData(nameof(WrongInput))]
    public async Task WrongInput_OneLineOnStderr_Exit2_NothingWritten(string[] args, string expected)
    {
        var before = await CountAsync();

        var run = await Run(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Out);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains(expected, run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await CountAsync());
    }

    private async Task<(int Orgs, int Users, int Memberships, int Apps, int Secrets, int Keys, int Systems)> CountAsync()
    {
        await using var server = await LatchkeyTestServer.AttachAsync(_database.ConnectionString);
        return await server.WithDbAsync(async db => (
            await db.Organizations.CountAsync(), await db.Users.CountAsync(), await db.Memberships.CountAsync(),
            await db.Apps.CountAsync(), await db.ClientSecrets.CountAsync(), await db.ManagementKeys.CountAsync(),
            await db.RegisteredSystems.CountAsync()));
    }
}
