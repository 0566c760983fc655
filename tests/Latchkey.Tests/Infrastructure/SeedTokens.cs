using System.Net.Http.Headers;
using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Profiles;
using Latchkey.ResourceServers;
using Latchkey.Tokens;

namespace Latchkey.Tests.Infrastructure;

/// <summary>A fresh organization, a member user and a confidential app of it that allows both actors.</summary>
public sealed record TestClient(App App, string? Secret, Guid OrganizationId, Guid UserId)
{
    public (string Id, string Secret) Basic => (App.ClientId, Secret!);
}

/// <summary>Real tokens from the token endpoint, for the tests of what comes after it: revocation, introspection, Bearer use.</summary>
public static class SeedTokens
{
    public const string Callback = "https://client.example/callback";
    public const string Scopes = "posts:read posts:write";
    private const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; // RFC 7636 Appendix B

    public static async Task<TestClient> ClientAsync(this LatchkeyTestServer server, ProfileName profile = ProfileName.Standard, bool isPublic = false)
    {
        var org = await server.OrganizationAsync();
        var user = await server.UserAsync($"u{Guid.NewGuid():N}@example.com", "correct-horse-1", org.Id);
        var created = await server.AppAsync(org.Id, new AppDraft
        {
            Name = "Client " + Guid.NewGuid().ToString("N")[..6],
            RedirectUris = [Callback],
            Scopes = ScopeList(),
            ActorModes = [ActorMode.Self, ActorMode.App],
            IsPublic = isPublic,
            Profile = profile,
        });
        return new TestClient(created.App, created.Secret?.Plaintext, org.Id, user.Id);
    }

    /// <summary>Actor <c>self</c>: a code as consent leaves it, redeemed at <c>POST /oauth/token</c> (with PKCE for a public client).</summary>
    public static async Task<(string Access, string Refresh)> SelfTokensAsync(this LatchkeyTestServer server, TestClient client)
    {
        var (_, code) = await server.CodeAsync(client.App, client.OrganizationId, client.UserId, Callback,
            codeChallenge: client.App.IsPublic ? Challenge : null);
        var body = await TokenAsync(server, client, client.App.IsPublic
            ? [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Callback), ("client_id", client.App.ClientId), ("code_verifier", Verifier)]
            : [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Callback)]);
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }

    /// <summary>Actor <c>app</c>: <c>client_credentials</c>.</summary>
    public static async Task<string> AppTokenAsync(this LatchkeyTestServer server, TestClient client) =>
        (await TokenAsync(server, client, [("grant_type", "client_credentials")])).GetProperty("access_token").GetString()!;

    /// <summary>Exchanges a refresh token; the new set.</summary>
    public static async Task<(string Access, string Refresh)> RefreshAsync(this LatchkeyTestServer server, TestClient client, string refresh)
    {
        var body = await TokenAsync(server, client, [("grant_type", "refresh_token"), ("refresh_token", refresh)]);
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }

    /// <summary>An access token already past its expiry, issued by the store itself to the client's actor-self
    /// installation (which, as any new set does, revokes what that installation held before).</summary>
    public static Task<string> ExpiredAccessTokenAsync(this LatchkeyTestServer server, TestClient client) =>
        server.WithScopeAsync(async services =>
        {
            var installation = await services.GetRequiredService<InstallationStore>()
                .InstallAsync(client.App, client.OrganizationId, ActorMode.Self, client.UserId, ScopeList(), client.UserId, null, default);
            var set = await services.GetRequiredService<TokenStore>().IssueTokenSetAsync(installation.Id, installation.AppId, ScopeList(), Guid.CreateVersion7(),
                ProfileTokenPrefixes.For(client.App.Profile), new TokenLifetimes { AccessToken = TimeSpan.FromSeconds(-1) }, withRefreshToken: false, default);
            return set!.AccessToken;
        });

    /// <summary>Registered resource-server credentials, as <c>latchkey resource-server create</c> makes them.</summary>
    public static Task<(string Id, string Secret)> ResourceServerAsync(this LatchkeyTestServer server) =>
        server.WithScopeAsync(async services =>
        {
            var created = await services.GetRequiredService<ResourceServerCredentials>().CreateAsync("Gateway " + Guid.NewGuid().ToString("N")[..8], default);
            return (created.Value.Server.ClientId, created.Value.Secret);
        });

    /// <summary>True when the token is live: stored, unrevoked, unexpired, its installation and app live.</summary>
    public static Task<bool> IsLiveAsync(this LatchkeyTestServer server, string token) =>
        server.WithScopeAsync(async services =>
            await services.GetRequiredService<TokenLookup>().FindAsync(token, null, default) is { } found
            && found.WhyInactiveAt(DateTimeOffset.UtcNow) is null);

    /// <summary><c>GET /api/v1/session</c> with <c>Authorization: Bearer <paramref name="token"/></c>.</summary>
    public static Task<HttpResponseMessage> SessionAsync(this HttpClient http, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/session");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request);
    }

    private static async Task<JsonElement> TokenAsync(LatchkeyTestServer server, TestClient client, (string Key, string Value)[] fields)
    {
        using var http = server.CreateClient();
        var (status, body, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            fields.Select(f => KeyValuePair.Create(f.Key, f.Value)), client.App.IsPublic ? null : client.Basic));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    private static List<string> ScopeList() => [.. Scopes.Split(' ')];
}
