using System.Text.Json;
using System.Text.RegularExpressions;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Latchkey.Tests.Protocol;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Profiles.Onboardbase;

/// <summary>
/// One Onboardbase deployment (<c>serve --profile onboardbase</c>) for a test class, on a clock the tests move.
/// Password hashing is cut to one iteration, as in <see cref="SharedServer"/>: these tests sign in many users.
/// </summary>
public sealed class OnboardbaseServer : ClockedServer
{
    protected override Task<LatchkeyTestServer> StartAsync(ManualClock clock) => OnboardbaseKit.StartAsync(DatabaseKind.Sqlite, clock);
}

/// <summary>An Onboardbase app as the seed's developer ends up with it: the two values copied from its details page.</summary>
public sealed record OnboardbaseApp(long Id, string ClientId, string ClientSecret);

/// <summary>The requests seed 003 tells a developer to make, written as the seed writes them.</summary>
public static partial class OnboardbaseKit
{
    /// <summary>Seed 003: "we are using https://google.com as an example here".</summary>
    public const string RedirectUrl = "https://google.com";

    /// <summary>The seed's state, quotes and all; it must come back exactly so.</summary>
    public const string SeedState = "\"{\"hi\":\"there\"}\"";

    public static Task<LatchkeyTestServer> StartAsync(DatabaseKind kind, TimeProvider clock, params (string Key, string Value)[] settings) =>
        ProfileKit.StartAsync("onboardbase", clock, kind, settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));

    /// <summary>Seed 003, "Generating an Authorization Code Link": the link exactly as the seed writes it, unencoded quotes and all.</summary>
    public static string AuthorizationLink(string clientId, string redirectUri = RedirectUrl, string scopes = "'read.secrets,read.projects'", string state = SeedState) =>
        $"/oauth/authorize?response_type=code&client_id={clientId}&redirect_uri={redirectUri}&scopes={scopes}&state={state}";

    /// <summary>Seed 003, "Requesting for an Access API Key With an Auth Code": the URL a client constructs, posted with no body.</summary>
    public static string TokenUrl(OnboardbaseApp app, string code, string redirectUri = RedirectUrl) =>
        $"/oauth/token?client_id={app.ClientId}&client_secret={app.ClientSecret}&grant_type=authorization_code&code={code}&redirect_uri={redirectUri}";

    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostTokenAsync(this HttpClient http, string url, HttpContent? body = null)
    {
        var response = await http.PostAsync(new Uri(url, UriKind.Relative), body, TestContext.Current.CancellationToken);
        return (response.StatusCode, await response.JsonAsync(), response);
    }

    /// <summary>
    /// Seed 003, "Setup an Onboardbase OAuth Application": a developer who owns an organization signs in, opens
    /// "Create an App" and fills in the seed's four fields. Latchkey's form also lists the scopes an app may ask
    /// for, which the seed's modal does not have: the developer ticks every one, so any of them may be requested.
    /// The client id and secret are read off the page, as the seed's developer copies them.
    /// </summary>
    public static async Task<OnboardbaseApp> CreateAppInPortalAsync(this LatchkeyTestServer server, string name = "Google Sync")
    {
        var org = await server.OrganizationAsync();
        var developer = await PortalBrowser.SignedInAsync(server, org.Id, OrganizationRole.Owner);
        var form = await developer.GetPageAsync("/portal/apps/new");
        Assert.Matches("<option value=\"onboardbase\" selected=\"selected\"|<option selected=\"selected\" value=\"onboardbase\"", form);
        List<KeyValuePair<string, string>> fields =
        [
            new("OrganizationId", org.Id.ToString()),
            new("Form.Name", name),
            new("Form.WebsiteUrl", "https://google.com"),
            new("Form.LogoUrl", "https://google.com/logo.png"),
            new("Form.RedirectUris", RedirectUrl),
            new("Form.ActorModes", "self"),
            new("Form.Profile", "onboardbase"),
            .. ScopeBox().Matches(form).Select(m => KeyValuePair.Create("Form.Scopes", m.Groups[1].Value)),
            new(PortalBrowser.TokenField, PortalBrowser.AntiforgeryToken(form)),
        ];
        using var created = await developer.PostAsync("/portal/apps/new", fields);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var html = await created.HtmlAsync();
        var clientId = PortalBrowser.TextOf(html, "client-id")!;
        var id = await server.WithDbAsync(db => db.Apps.Where(a => a.ClientId == clientId).Select(a => a.Id).SingleAsync());
        return new OnboardbaseApp(id, clientId, PortalBrowser.TextOf(html, "client-secret")!);
    }

    /// <summary>The same app over <c>POST /api/v1/apps</c>: the seed's four fields and the profile, nothing else.</summary>
    public static async Task<OnboardbaseApp> CreateAppOverApiAsync(this LatchkeyTestServer server, IReadOnlyList<string>? scopes = null)
    {
        var org = await server.OrganizationAsync();
        using var http = server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", await server.ManagementKeyAsync(org.Id));
        using var response = await http.PostAsJsonAsync("/api/v1/apps", new Dictionary<string, object?>
        {
            ["name"] = "Secrets Sync",
            ["website_url"] = "https://google.com",
            ["logo_url"] = "https://google.com/logo.png",
            ["redirect_uris"] = new[] { RedirectUrl },
            ["profile"] = "onboardbase",
            ["scopes"] = scopes,
        }.Where(f => f.Value is not null).ToDictionary(), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        var clientId = body.GetProperty("client_id").GetString()!;
        var id = await server.WithDbAsync(db => db.Apps.Where(a => a.ClientId == clientId).Select(a => a.Id).SingleAsync());
        return new OnboardbaseApp(id, clientId, body.GetProperty("client_secret").GetString()!);
    }

    /// <summary>
    /// Seed 003, "User Authorization" and "Handling Authorization": the signed-in user opens the link, approves,
    /// and is sent to the redirect URI with a code. Returns the code.
    /// </summary>
    public static async Task<string> ApproveAsync(this Person person, string link)
    {
        using var consent = await person.Browser.GetAsync(link);
        var (_, form) = await consent.AssertConsentPageAsync();
        using var approved = await person.Browser.PostAsync(AuthorizeKit.AuthorizePath, form.Answer("approve", person.OrganizationId));
        Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        return approved.ResponseParameters()["code"];
    }

    /// <summary>Seed 003's failure shape, exactly: <c>{"data": null, "errors": [{"message", "code"}]}</c>, not cached.</summary>
    public static void AssertFailure((HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) result,
        HttpStatusCode status, string message, int code)
    {
        Assert.Equal(status, result.Status);
        Assert.True(result.Response.Headers.CacheControl?.NoStore);
        Assert.Equal(["data", "errors"], result.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, result.Body.GetProperty("data").ValueKind);
        var error = Assert.Single(result.Body.GetProperty("errors").EnumerateArray());
        Assert.Equal(["message", "code"], error.EnumerateObject().Select(p => p.Name));
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal(code, error.GetProperty("code").GetInt32());
    }

    /// <summary><c>GET /api/v1/session</c> with the key in FACTS.md's <c>API_KEY</c> header.</summary>
    public static Task<HttpResponseMessage> SessionWithApiKeyAsync(this HttpClient http, string apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/session");
        request.Headers.Add("API_KEY", apiKey);
        return http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [GeneratedRegex("<input type=\"checkbox\" name=\"Form.Scopes\" value=\"([^\"]+)\"")]
    private static partial Regex ScopeBox();
}
