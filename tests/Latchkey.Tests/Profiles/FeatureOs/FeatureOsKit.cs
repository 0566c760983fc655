using System.Net.Http.Headers;
using System.Text.Json;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Profiles.FeatureOs;

/// <summary>A FeatureOS deployment for a test class, with PBKDF2 cut to one iteration: the tests sign many users in.</summary>
public sealed class FeatureOsServer : ClockedServer
{
    protected override Task<LatchkeyTestServer> StartAsync(ManualClock clock) => ProfileKit.StartAsync(profile: null, clock);
}

/// <summary>A signed-in FeatureOS user: a cookie client, as the FeatureOS frontend calls the API with the user's session.</summary>
public sealed record FeatureOsUser(HttpClient Http, Guid UserId, string Email, Organization Organization);

/// <summary>A registered FeatureOS app as <c>POST /oauth/apps</c> answered it.</summary>
public sealed record RegisteredFeatureOsApp(string ClientId, string ClientSecret, JsonElement Body);

/// <summary>What the tables hold for one app: the proof that a refused request changed nothing.</summary>
public sealed record AppState(int Installations, int LiveInstallations, int Codes, int ConsumedCodes, int Tokens, int LiveTokens);

/// <summary>FeatureOS's endpoints spoken the way FACTS.md "FeatureOS" documents them, and nothing more.</summary>
public static class FeatureOsKit
{
    public const string Callback = "https://myapp.example/callback";
    public const string Issuer = "http://localhost";
    public const string FeatureOsPrefix = "foapp_";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new user with <paramref name="role"/> in <paramref name="organization"/> (a new one when null), signed in.</summary>
    public static async Task<FeatureOsUser> SignedInAsync(this LatchkeyTestServer server, OrganizationRole role, Organization? organization = null)
    {
        organization ??= await server.OrganizationAsync();
        var email = $"{Guid.NewGuid():N}@example.com";
        var user = await server.UserAsync(email, PortalBrowser.Password, organization.Id, role);
        var http = server.CreateCookieClient();
        using var signedIn = await new PortalBrowser(http).SignInAsync(email, PortalBrowser.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return new FeatureOsUser(http, user.Id, email, organization);
    }

    /// <summary>FACTS.md's register call: <c>POST /oauth/apps</c>, the session plus <c>X-Organization</c>, a JSON body.</summary>
    public static Task<HttpResponseMessage> RegisterAsync(this HttpClient http, string? organization, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/apps") { Content = Json(json) };
        if (organization is not null)
        {
            request.Headers.Add("X-Organization", organization);
        }
        return http.SendAsync(request, Ct);
    }

    /// <summary>Registers an app of the signed-in admin's organization allowing both actors; fails the test unless it is a 201.</summary>
    public static async Task<RegisteredFeatureOsApp> RegisterAppAsync(this FeatureOsUser admin, string scopes = """["posts:read", "posts:write"]""")
    {
        using var response = await admin.Http.RegisterAsync(admin.Organization.Id.ToString(), $$"""
            {
              "name": "My Integration",
              "redirect_uris": ["{{Callback}}"],
              "allowed_actor_modes": ["app", "self"],
              "declared_scopes": {{scopes}}
            }
            """);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return new RegisteredFeatureOsApp(body.GetProperty("client_id").GetString()!, body.GetProperty("client_secret").GetString()!, body);
    }

    /// <summary>FACTS.md's authorize call: <c>GET /oauth/authorize</c> asking for the consent metadata as JSON.</summary>
    public static Task<HttpResponseMessage> MetadataAsync(this HttpClient http, params (string Key, string Value)[] query)
    {
        var request = new HttpRequestMessage(HttpMethod.Get,
            QueryHelpers.AddQueryString("/oauth/authorize", query.Select(q => KeyValuePair.Create(q.Key, (string?)q.Value))));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http.SendAsync(request, Ct);
    }

    /// <summary>FACTS.md's consent call: <c>POST /oauth/authorize/consent</c> with a JSON body.</summary>
    public static Task<HttpResponseMessage> ConsentAsync(this HttpClient http, string json) =>
        http.PostAsync("/oauth/authorize/consent", Json(json), Ct);

    /// <summary>Consents as <paramref name="user"/> into their organization and returns the code from <c>redirect_to</c>.</summary>
    public static async Task<string> ApproveAsync(this FeatureOsUser user, string clientId, string actor, string scope = "posts:read posts:write")
    {
        using var response = await user.Http.ConsentAsync($$"""
            {"client_id": "{{clientId}}", "redirect_uri": "{{Callback}}", "actor": "{{actor}}", "scope": "{{scope}}",
             "state": "s1", "target_organization_id": "{{user.Organization.Id}}"}
            """);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return RedirectParameters(body.GetProperty("redirect_to").GetString()!)["code"];
    }

    /// <summary>The token exchange: <c>POST /oauth/token</c> with the client secret in the body (RFC 6749 §2.3.1).</summary>
    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> ExchangeCodeAsync(this LatchkeyTestServer server,
        string clientId, string secret, string code, string redirectUri = Callback) =>
        server.CreateClient().ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", redirectUri),
             new("client_id", clientId), new("client_secret", secret)]));

    /// <summary>Exchanges a code and fails the test unless it is a 200: the access and refresh token.</summary>
    public static async Task<(string Access, string Refresh)> TokensAsync(this LatchkeyTestServer server, string clientId, string secret, string code)
    {
        var (status, body, response) = await server.ExchangeCodeAsync(clientId, secret, code);
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }

    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RefreshAsync(this LatchkeyTestServer server,
        string clientId, string secret, string refreshToken) =>
        server.CreateClient().ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "refresh_token"), new("refresh_token", refreshToken), new("client_id", clientId), new("client_secret", secret)]));

    /// <summary>FACTS.md's authenticated call: <c>GET /api/v3/session_info</c> with <c>Authorization: Bearer foot_…</c> and no API key.</summary>
    public static Task<HttpResponseMessage> SessionInfoAsync(this LatchkeyTestServer server, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v3/session_info");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return server.CreateClient().SendAsync(request, Ct);
    }

    /// <summary>Asserts FeatureOS's error body, exactly: <c>{"message":…,"status":…,"success":false}</c>.</summary>
    public static async Task<string> AssertFeatureOsErrorAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.JsonAsync();
        Assert.Equal(["message", "status", "success"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(body.GetProperty("success").GetBoolean());
        return body.GetProperty("message").GetString()!;
    }

    /// <summary>Uninstalls through the target organization's management API, as its admin would.</summary>
    public static async Task UninstallAsync(this LatchkeyTestServer server, Guid organizationId, string clientId)
    {
        var installationId = await server.WithDbAsync(db => (
            from i in db.Installations
            join a in db.Apps on i.AppId equals a.Id
            where a.ClientId == clientId && i.OrganizationId == organizationId && i.RevokedAt == null
            select i.Id).SingleAsync());
        using var http = server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.ManagementKeyAsync(organizationId));
        using var response = await http.DeleteAsync($"/api/v1/installations/{installationId}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public static Task<AppState> StateAsync(this LatchkeyTestServer server, string clientId) =>
        server.WithScopeAsync(async services =>
        {
            var db = services.GetRequiredService<Latchkey.Storage.LatchkeyDbContext>();
            var appId = await db.Apps.Where(a => a.ClientId == clientId).Select(a => a.Id).SingleAsync();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var tokens = await db.Tokens.AsNoTracking().Where(t => t.AppId == appId).ToListAsync();
            return new AppState(
                await db.Installations.CountAsync(i => i.AppId == appId),
                await db.Installations.CountAsync(i => i.AppId == appId && i.RevokedAt == null),
                await db.AuthorizationCodes.CountAsync(c => c.AppId == appId),
                await db.AuthorizationCodes.CountAsync(c => c.AppId == appId && c.ConsumedAt != null),
                tokens.Count,
                tokens.Count(t => t.IsActiveAt(now)));
        });

    /// <summary>The query parameters of a <c>redirect_to</c>, decoded.</summary>
    public static Dictionary<string, string> RedirectParameters(string redirectTo) =>
        QueryHelpers.ParseQuery(new Uri(redirectTo).Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
