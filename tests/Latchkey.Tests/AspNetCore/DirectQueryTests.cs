using Microsoft.AspNetCore.Identity;
using Latchkey.AspNetCore;
using Latchkey.AspNetCore.Tokens;
using Latchkey.AspNetCore.Validation;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.AspNetCore;

/// <summary>
/// Direct mode's one raw query (<see cref="DirectTokenSource"/>) against a freshly migrated database of each
/// provider, judged by the server's own introspection of the same tokens: a migration that renames or retypes a column
/// it reads fails here, not in production.
/// </summary>
public sealed class DirectQueryTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task LiveTokens_ReadAsIntrospectionAnswers(DatabaseKind kind)
    {
        await using var server = await StartAsync(kind);
        var client = await server.ClientAsync();
        var (self, _) = await server.SelfTokensAsync(client);
        var bot = await server.AppTokenAsync(client);
        var direct = Source(server);

        foreach (var token in new[] { self, bot })
        {
            var introspected = await IntrospectAsync(server, token);
            var read = await direct.FindActiveAsync(token, TokenHash.Of(token), default);

            Assert.NotNull(read);
            Assert.Equal(introspected.GetProperty("exp").GetInt64(), read.ExpiresAt!.Value.ToUnixTimeSeconds());
            Assert.Equal(
                new[] { ("sub", "sub"), ("actor", "actor"), ("org", "org"), ("client_id", "client_id"), ("installation", "installation") }
                    .Select(c => introspected.GetProperty(c.Item1).GetString()),
                new[] { LatchkeyClaimTypes.Subject, LatchkeyClaimTypes.Actor, LatchkeyClaimTypes.Organization, LatchkeyClaimTypes.ClientId, LatchkeyClaimTypes.Installation }
                    .Select(type => read.Claims.Single(c => c.Type == type).Value));
            Assert.Equal(introspected.GetProperty("scope").GetString()!.Split(' '),
                read.Claims.Where(c => c.Type == LatchkeyClaimTypes.Scope).Select(c => c.Value));
        }
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task DeadTokens_AreNotRead(DatabaseKind kind)
    {
        await using var server = await StartAsync(kind);
        var client = await server.ClientAsync();
        var expired = await server.ExpiredAccessTokenAsync(client);
        var (revoked, refresh) = await server.SelfTokensAsync(client);
        using (var http = server.CreateClient())
        {
            await http.SendAsync(OAuthClient.Form("/oauth/revoke", [KeyValuePair.Create("token", revoked)], client.Basic));
        }
        var uninstalled = await server.AppTokenAsync(client);
        await server.WithScopeAsync(async services =>
        {
            var installation = services.GetRequiredService<Latchkey.Storage.LatchkeyDbContext>().Installations
                .Single(i => i.AppId == client.App.Id && i.ActorMode == "app" && i.RevokedAt == null);
            return await services.GetRequiredService<Latchkey.Installations.InstallationStore>().RevokeAsync(installation.Id, default);
        });
        var direct = Source(server);

        foreach (var token in new[] { expired, revoked, refresh, uninstalled, Latchkey.Tokens.TokenCodec.Mint("lkat_") })
        {
            Assert.Null(await direct.FindActiveAsync(token, TokenHash.Of(token), default));
        }
    }

    /// <summary>Seeded users' passwords take one PBKDF2 iteration: the real cost proves nothing here.</summary>
    private static Task<LatchkeyTestServer> StartAsync(DatabaseKind kind) =>
        LatchkeyTestServer.StartAsync(kind, services: s => s.Configure<PasswordHasherOptions>(o => o.IterationCount = 1));

    private static DirectTokenSource Source(LatchkeyTestServer server) =>
        new(new LatchkeyAuthenticationOptions { Mode = LatchkeyValidationMode.Direct, ConnectionString = server.ConnectionString }, TimeProvider.System);

    private static async Task<System.Text.Json.JsonElement> IntrospectAsync(LatchkeyTestServer server, string token)
    {
        var (id, secret) = await server.ResourceServerAsync();
        using var http = server.CreateClient();
        var request = OAuthClient.Form("/oauth/introspect", [KeyValuePair.Create("token", token)], (id, secret));
        var (status, body, _) = await http.ExchangeAsync(request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("active").GetBoolean());
        return body;
    }
}
