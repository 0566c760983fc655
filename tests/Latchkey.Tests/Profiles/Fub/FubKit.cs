using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Latchkey.Management;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Latchkey.Tests.Protocol;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Profiles.Fub;

/// <summary>A FUB deployment (<c>Latchkey:Profile=fub</c>) shared by a test class; each test makes its own Registered System, app and user.</summary>
public sealed class FubServer : ClockedServer
{
    protected override Task<LatchkeyTestServer> StartAsync(ManualClock clock) => FubKit.StartAsync(clock);
}

/// <summary>An app as <c>POST /v1/oauthApps</c> answered it (seed 000), and the Registered System that made it.</summary>
public sealed record FubApp(string ClientId, string ClientSecret, RegisteredSystem System, string SystemKey)
{
    public (string Id, string Secret) Basic => (ClientId, ClientSecret);
}

/// <summary>A FUB user: a plain member of their organization (any FUB user may connect an app), with a browser not signed in yet.</summary>
public sealed record FubUser(string Email, Guid OrganizationId, PortalBrowser Browser);

/// <summary>What a FUB client does, written from seeds 000 and 001.</summary>
public static class FubKit
{
    /// <summary>Seed 000's redirect URI, which seed 001 sends back.</summary>
    public const string RedirectUri = "http://www.yoursite.com/oauth/redirect";

    /// <summary>Seed 000's create body, byte for byte apart from the indentation; the trailing comma is the seed's.</summary>
    public const string SeedCreateBody = """
        {
            "redirectUris": ["http://www.yoursite.com/oauth/redirect"],
        }
        """;

    /// <summary>An opaque state with characters that need encoding: it must come back exactly (DESIGN.md rule 5).</summary>
    public const string State = "st/ate?x=1&y=2 z";

    public static readonly string[] LegacyErrorFields = ["success", "errorMessage", "errorDetails", "errorCode"];

    public static Task<LatchkeyTestServer> StartAsync(ManualClock clock, DatabaseKind kind = DatabaseKind.Sqlite,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        ProfileKit.StartAsync("fub", clock, kind, settings, services);

    /// <summary>Seed 000: a Registered System creates the app with <c>POST /v1/oauthApps</c> and the seed's body.</summary>
    public static async Task<FubApp> CreateAppAsync(this LatchkeyTestServer server)
    {
        var (system, key) = await server.SystemAsync((await server.OrganizationAsync()).Id);
        using var http = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/oauthApps")
        {
            Content = new StringContent(SeedCreateBody, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-System", system.Name);
        request.Headers.Add("X-System-Key", key);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return new FubApp(body.GetProperty("clientId").GetString()!, body.GetProperty("clientSecret").GetString()!, system, key);
    }

    public static async Task<FubUser> UserAsync(this LatchkeyTestServer server)
    {
        var organization = await server.OrganizationAsync();
        var email = $"{Guid.NewGuid():N}@example.com";
        await server.UserAsync(email, PortalBrowser.Password, organization.Id, Latchkey.Organizations.OrganizationRole.Member);
        return new FubUser(email, organization.Id, new PortalBrowser(server.CreateCookieClient()));
    }

    /// <summary>Seed 001 step 1's URL; <paramref name="extra"/> adds parameters or replaces the seed's.</summary>
    public static string AuthorizeUrl(FubApp app, params (string Key, string Value)[] extra)
    {
        (string Key, string Value)[] seed = [("response_type", "auth_code"), ("client_id", app.ClientId), ("redirect_uri", RedirectUri), ("state", State)];
        return QueryHelpers.AddQueryString("/oauth/authorize",
            [.. seed.Where(s => !extra.Any(e => e.Key == s.Key)).Concat(extra).Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))]);
    }

    /// <summary>
    /// Seed 001 steps 1 and 2 in a browser: the user opens the consent URL, signs in, and answers the consent
    /// screen with <paramref name="decision"/> (<c>approve</c> or <c>deny</c>). The redirect to the client.
    /// </summary>
    public static async Task<HttpResponseMessage> ConsentAsync(FubUser user, FubApp app, string decision = "approve", params (string Key, string Value)[] extra)
    {
        var url = AuthorizeUrl(app, extra);
        using var toSignIn = await user.Browser.GetAsync(url);
        var returnUrl = toSignIn.AssertSignInRedirect();
        AuthorizeKit.AssertSameRequest(url, returnUrl);
        using var signedIn = await user.Browser.SignInAsync(user.Email, PortalBrowser.Password, returnUrl);
        using var consentPage = await user.Browser.FollowAsync(signedIn);
        var (_, form) = await consentPage.AssertConsentPageAsync();
        Assert.Equal([user.OrganizationId], form.Organizations);
        return await user.Browser.PostAsync("/oauth/authorize", form.Answer(decision, decision == "approve" ? user.OrganizationId : null));
    }

    /// <summary>Consent approved; the code from the redirect.</summary>
    public static async Task<string> CodeAsync(FubUser user, FubApp app)
    {
        using var approved = await ConsentAsync(user, app);
        Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        return approved.ResponseParameters()["code"];
    }

    /// <summary>Seed 001 steps 3 and 5: <c>GET /oauth/token</c> with the query as given, and HTTP Basic when <paramref name="basic"/> is set.</summary>
    public static HttpRequestMessage TokenRequest((string Id, string Secret)? basic, params (string Key, string Value)[] query)
    {
        var request = new HttpRequestMessage(HttpMethod.Get,
            QueryHelpers.AddQueryString("/oauth/token", query.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value))));
        if (basic is { } credentials)
        {
            request.Headers.Authorization = OAuthClient.BasicHeader(credentials.Id, credentials.Secret);
        }
        return request;
    }

    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> TokenGetAsync(this HttpClient http,
        (string Id, string Secret)? basic, params (string Key, string Value)[] query) =>
        http.ExchangeAsync(TokenRequest(basic, query));

    /// <summary>Seed 001 step 3, exactly as the seed writes it.</summary>
    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> ExchangeCodeAsync(this HttpClient http, FubApp app, string code) =>
        http.TokenGetAsync(app.Basic, ("grant_type", "auth_code"), ("code", code), ("redirect_uri", RedirectUri), ("state", State));

    /// <summary>Seed 001 step 5, exactly as the seed writes it.</summary>
    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RefreshAsync(this HttpClient http, FubApp app, string refreshToken) =>
        http.TokenGetAsync(app.Basic, ("grant_type", "refresh_token"), ("refresh_token", refreshToken));

    /// <summary>A successful legacy exchange's access and refresh tokens.</summary>
    public static (string Access, string Refresh) Tokens(this (HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) result)
    {
        Assert.True(result.Status == HttpStatusCode.OK, result.Body.ToString());
        var data = result.Body.GetProperty("data");
        return (data.GetProperty("access_token").GetString()!, data.GetProperty("refresh_token").GetString()!);
    }

    /// <summary><c>DELETE /v1/oauthApps/revokeAccess</c> with a Bearer token and the system's headers (FACTS.md); null leaves one out.</summary>
    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RevokeAccessAsync(this HttpClient http,
        string? accessToken, string? systemName, string? systemKey, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, "/v1/oauthApps/revokeAccess" + query);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        if (systemName is not null)
        {
            request.Headers.Add("X-System", systemName);
            request.Headers.Add("X-System-Key", systemKey);
        }
        return http.ExchangeAsync(request);
    }

    /// <summary>FUB's legacy envelope (FACTS.md): exactly success=false, errorMessage, errorDetails[string], errorCode.</summary>
    public static JsonElement AssertLegacyError(this (HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) result,
        HttpStatusCode status, string errorCode)
    {
        Assert.True(status == result.Status, $"expected {(int)status}, got {(int)result.Status}: {result.Body}");
        Assert.Equal("application/json", result.Response.Content.Headers.ContentType?.MediaType);
        var body = result.Body;
        Assert.Equal(LegacyErrorFields, body.EnumerateObject().Select(p => p.Name));
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("errorMessage").GetString()));
        Assert.NotEmpty(body.GetProperty("errorDetails").EnumerateArray());
        Assert.All(body.GetProperty("errorDetails").EnumerateArray(), d => Assert.False(string.IsNullOrWhiteSpace(d.GetString())));
        Assert.Equal(errorCode, body.GetProperty("errorCode").GetString());
        return body;
    }

    /// <summary>How many tokens the app has ever been issued: a refused request adds none.</summary>
    public static Task<int> TokenCountAsync(this LatchkeyTestServer server, FubApp app) =>
        server.WithDbAsync(db => db.Tokens.CountAsync(t => db.Apps.Any(a => a.Id == t.AppId && a.ClientId == app.ClientId)));
}
