using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Storage;
using Latchkey.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

using static Latchkey.Tests.Management.ManagementApiKit;

namespace Latchkey.Tests.Management;

/// <summary>Client secrets over the API: shown once, stored as SHA-256 only (DESIGN.md rule 4), rotated with an
/// overlap so deployments roll over without downtime, and a rotated-out secret revocable early.</summary>
public sealed class AppSecretsApiTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Secret_IsShownOnce_AndStoredOnlyAsItsHash(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (client, _) = await server.ManagementClientAsync();
        var created = await client.CreateAppAsync();
        var clientId = created.GetProperty("client_id").GetString()!;
        var path = $"{ManagementApiKit.Apps}/{clientId}";
        var first = created.GetProperty("client_secret").GetString()!;
        using var rotation = await client.PostAsync($"{path}/secrets", null, Ct);
        var second = (await rotation.JsonAsync()).GetProperty("client_secret").GetString()!;

        foreach (var read in new[] { path, ManagementApiKit.Apps })
        {
            var text = await client.GetStringAsync(read, Ct);
            Assert.DoesNotContain(first, text, StringComparison.Ordinal);
            Assert.DoesNotContain(second, text, StringComparison.Ordinal);
            Assert.DoesNotContain("client_secret", text, StringComparison.Ordinal);
            Assert.DoesNotContain("hash", text, StringComparison.OrdinalIgnoreCase);
        }

        var rows = await server.WithDbAsync(db => db.ClientSecrets.AsNoTracking()
            .Where(s => db.Apps.Any(a => a.ClientId == clientId && a.Id == s.AppId)).OrderBy(s => s.Id).ToListAsync());
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal(32, row.Hash.Length));
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(first)), rows[0].Hash);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(second)), rows[1].Hash);

        var stored = await server.WithDbAsync(db => RowTextAsync(db, "apps", "client_secrets"));
        foreach (var secret in new[] { first, second })
        {
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
            // Not even the random body without its prefix and hint.
            Assert.DoesNotContain(secret["lksec_".Length..^4], stored, StringComparison.Ordinal);
        }
        Assert.Contains(clientId, stored, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Rotate_BothSecretsWorkDuringTheOverlap_OnlyTheNewAfter(DatabaseKind kind)
    {
        var clock = new ManualClock();
        await using var server = await LatchkeyTestServer.StartAsync(kind, services: s => s.AddSingleton<TimeProvider>(clock));
        var (client, _) = await server.ManagementClientAsync();
        var created = await client.CreateAppAsync();
        var clientId = created.GetProperty("client_id").GetString()!;
        var old = created.GetProperty("client_secret").GetString()!;
        var rotatedAt = clock.GetUtcNow();

        using var response = await client.PostAsync($"{ManagementApiKit.Apps}/{clientId}/secrets", null, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var rotated = await response.JsonAsync();
        var fresh = rotated.GetProperty("client_secret").GetString()!;
        Assert.StartsWith("lksec_", fresh, StringComparison.Ordinal);
        Assert.NotEqual(old, fresh);
        Assert.Equal(clientId, rotated.GetProperty("client_id").GetString());
        Assert.Equal(JsonValueKind.Null, rotated.GetProperty("secret").GetProperty("expires_at").ValueKind);
        Assert.Equal(fresh[^4..], rotated.GetProperty("secret").GetProperty("hint").GetString());
        var previous = rotated.GetProperty("previous_secret");
        Assert.Equal(created.GetProperty("secrets")[0].GetProperty("id").GetInt64(), previous.GetProperty("id").GetInt64());
        Assert.Equal(rotatedAt + TimeSpan.FromHours(24), previous.GetProperty("expires_at").GetDateTimeOffset());
        Assert.Equal(2, (await SecretsListedAsync(client, clientId)).Length);
        Assert.True(await VerifiesAsync(server, clientId, old, clock.GetUtcNow()));
        Assert.True(await VerifiesAsync(server, clientId, fresh, clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.True(await VerifiesAsync(server, clientId, old, clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(await VerifiesAsync(server, clientId, old, clock.GetUtcNow()));
        Assert.True(await VerifiesAsync(server, clientId, fresh, clock.GetUtcNow()));
        Assert.Equal([rotated.GetProperty("secret").GetProperty("id").GetInt64()], await SecretsListedAsync(client, clientId));
    }

    [Fact]
    public async Task Rotate_OverlapComesFromSettings()
    {
        var clock = new ManualClock();
        await using var server = await LatchkeyTestServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Latchkey:SecretRotationOverlap"] = "00:05:00" },
            services: s => s.AddSingleton<TimeProvider>(clock));
        var (client, _) = await server.ManagementClientAsync();
        var clientId = (await client.CreateAppAsync()).GetProperty("client_id").GetString()!;

        var rotated = await (await client.PostAsync($"{ManagementApiKit.Apps}/{clientId}/secrets", null, Ct)).JsonAsync();

        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(5), rotated.GetProperty("previous_secret").GetProperty("expires_at").GetDateTimeOffset());
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task RotateTwice_EndsTheFirstOverlapAtOnce(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (client, _) = await server.ManagementClientAsync();
        var created = await client.CreateAppAsync();
        var clientId = created.GetProperty("client_id").GetString()!;
        var first = created.GetProperty("client_secret").GetString()!;
        var second = (await (await client.PostAsync($"{ManagementApiKit.Apps}/{clientId}/secrets", null, Ct)).JsonAsync()).GetProperty("client_secret").GetString()!;

        var third = (await (await client.PostAsync($"{ManagementApiKit.Apps}/{clientId}/secrets", null, Ct)).JsonAsync()).GetProperty("client_secret").GetString()!;

        var now = DateTimeOffset.UtcNow;
        Assert.False(await VerifiesAsync(server, clientId, first, now));
        Assert.True(await VerifiesAsync(server, clientId, second, now));
        Assert.True(await VerifiesAsync(server, clientId, third, now));
        Assert.Equal(2, (await SecretsListedAsync(client, clientId)).Length);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task RevokeRotatedOutSecret_EndsItAtOnce(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (client, _) = await server.ManagementClientAsync();
        var created = await client.CreateAppAsync();
        var clientId = created.GetProperty("client_id").GetString()!;
        var old = created.GetProperty("client_secret").GetString()!;
        var rotated = await (await client.PostAsync($"{ManagementApiKit.Apps}/{clientId}/secrets", null, Ct)).JsonAsync();
        var previousId = rotated.GetProperty("previous_secret").GetProperty("id").GetInt64();

        using var revoke = await client.DeleteAsync($"{ManagementApiKit.Apps}/{clientId}/secrets/{previousId}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.False(await VerifiesAsync(server, clientId, old, DateTimeOffset.UtcNow));
        Assert.True(await VerifiesAsync(server, clientId, rotated.GetProperty("client_secret").GetString()!, DateTimeOffset.UtcNow));
        Assert.Equal([rotated.GetProperty("secret").GetProperty("id").GetInt64()], await SecretsListedAsync(client, clientId));
        await (await client.DeleteAsync($"{ManagementApiKit.Apps}/{clientId}/secrets/{previousId}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task RevokeCurrentSecret_Is409_AndItKeepsWorking(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var (client, _) = await server.ManagementClientAsync();
        var created = await client.CreateAppAsync();
        var clientId = created.GetProperty("client_id").GetString()!;
        var currentId = created.GetProperty("secrets")[0].GetProperty("id").GetInt64();

        using var response = await client.DeleteAsync($"{ManagementApiKit.Apps}/{clientId}/secrets/{currentId}", Ct);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("rotate", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(await VerifiesAsync(server, clientId, created.GetProperty("client_secret").GetString()!, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task RevokeAnotherAppsSecret_Is404()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();
        var mine = await client.CreateAppAsync();
        var other = await client.CreateAppAsync();
        var otherClientId = other.GetProperty("client_id").GetString()!;
        var otherOld = (await (await client.PostAsync($"{ManagementApiKit.Apps}/{otherClientId}/secrets", null, Ct)).JsonAsync())
            .GetProperty("previous_secret").GetProperty("id").GetInt64();

        using var response = await client.DeleteAsync($"{ManagementApiKit.Apps}/{mine.GetProperty("client_id").GetString()}/secrets/{otherOld}", Ct);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.True(await VerifiesAsync(server, otherClientId, other.GetProperty("client_secret").GetString()!, DateTimeOffset.UtcNow));
    }

    [Theory]
    [InlineData("/secrets/999999")]
    [InlineData("/secrets/not-a-number")]
    public async Task RevokeUnknownSecret_Is404(string suffix)
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();
        var clientId = (await client.CreateAppAsync()).GetProperty("client_id").GetString()!;

        using var response = await client.DeleteAsync($"{ManagementApiKit.Apps}/{clientId}{suffix}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task RotatePublicClient_Is409()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var (client, _) = await server.ManagementClientAsync();
        var clientId = (await client.CreateAppAsync(new { name = "SPA", redirect_uris = new[] { ManagementApiKit.GoodRedirect }, @public = true }))
            .GetProperty("client_id").GetString()!;

        await (await client.PostAsync($"{ManagementApiKit.Apps}/{clientId}/secrets", null, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    private static async Task<long[]> SecretsListedAsync(HttpClient client, string clientId) =>
        [.. (await (await client.GetAsync($"{ManagementApiKit.Apps}/{clientId}")).JsonAsync())
            .GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("id").GetInt64())];

    /// <summary>Checks a secret the way the token endpoint will: against the app as stored.</summary>
    private static Task<bool> VerifiesAsync(LatchkeyTestServer server, string clientId, string secret, DateTimeOffset now) =>
        server.WithDbAsync(async db =>
        {
            var app = await db.Apps.AsNoTracking().Include(a => a.Secrets).SingleAsync(a => a.ClientId == clientId);
            return ClientSecrets.Verify(app, secret, now);
        });

    /// <summary>Every column of every row of <paramref name="tables"/> as text (byte arrays as UTF-8 and Base64 too),
    /// read with plain SQL so that nothing the model maps or hides is skipped.</summary>
    private static async Task<string> RowTextAsync(LatchkeyDbContext db, params string[] tables)
    {
        var text = new StringBuilder();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        foreach (var table in tables)
        {
            await using DbCommand command = connection.CreateCommand();
#pragma warning disable CA2100 // The table names are this test's own constants.
            command.CommandText = $"SELECT * FROM {table}";
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetValue(i) switch
                    {
                        byte[] bytes => Encoding.UTF8.GetString(bytes) + " " + Convert.ToBase64String(bytes),
                        var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                    }).Append('\n');
                }
            }
        }
        return text.ToString();
    }
}
