using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Protocol;

/// <summary>
/// One server for a whole test class; each test seeds its own organizations, users and apps. Password
/// hashing is cut to one PBKDF2 iteration: these tests create and sign in many users, and the real
/// cost (~200 ms a hash here) proves nothing about authorization.
/// </summary>
public sealed class SharedServer : IAsyncLifetime
{
    public LatchkeyTestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await LatchkeyTestServer.StartAsync(
        services: s => s.Configure<PasswordHasherOptions>(o => o.IterationCount = 1));

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>A user with a browser, in an organization of their own.</summary>
public sealed record Person(string Email, Guid UserId, Guid OrganizationId, PortalBrowser Browser);

/// <summary>The consent screen's form as a browser would submit it.</summary>
public sealed record ConsentForm(List<KeyValuePair<string, string>> Hidden, IReadOnlyList<Guid> Organizations, string Token)
{
    public List<KeyValuePair<string, string>> Answer(string decision, Guid? organization) =>
    [
        .. Hidden,
        new("decision", decision),
        .. organization is { } id ? [KeyValuePair.Create("organization", id.ToString())] : Array.Empty<KeyValuePair<string, string>>(),
        new(PortalBrowser.TokenField, Token),
    ];
}

/// <summary>Arrangements and reads for the authorization endpoint's tests.</summary>
public static partial class AuthorizeKit
{
    public const string AuthorizePath = "/oauth/authorize";
    public const string Callback = "https://client.example/callback";
    public const string Issuer = "http://localhost";

    /// <summary>RFC 7636 Appendix B's verifier and its S256 challenge.</summary>
    public const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    public const string Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    /// <summary>An app allowing both actors and three scopes, one of them a write scope.</summary>
    public static async Task<(App App, string? Secret)> OAuthAppAsync(this LatchkeyTestServer server, Guid organizationId,
        Func<AppDraft, AppDraft>? change = null)
    {
        var draft = new AppDraft
        {
            Name = "Roadmap Sync",
            Description = "Copies your roadmap into a spreadsheet.",
            WebsiteUrl = "https://sync.example",
            LogoUrl = "https://sync.example/logo.png",
            RedirectUris = [Callback],
            Scopes = ["posts:read", "posts:write", "comments:read"],
            ActorModes = [ActorMode.Self, ActorMode.App],
        };
        var created = await server.AppAsync(organizationId, change is null ? draft : change(draft));
        return (created.App, created.Secret?.Plaintext);
    }

    /// <summary>A new organization with a user of <paramref name="role"/> in it, signed in.</summary>
    public static async Task<Person> PersonAsync(this LatchkeyTestServer server, OrganizationRole role = OrganizationRole.Owner, Guid? organizationId = null)
    {
        var org = organizationId ?? (await server.OrganizationAsync()).Id;
        var email = $"{Guid.NewGuid():N}@example.com";
        var user = await server.UserAsync(email, PortalBrowser.Password, org, role);
        var browser = new PortalBrowser(server.CreateCookieClient());
        using var signedIn = await browser.SignInAsync(email, PortalBrowser.Password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return new Person(email, user.Id, org, browser);
    }

    public static Task AddMembershipAsync(this LatchkeyTestServer server, Guid userId, Guid organizationId, OrganizationRole role) =>
        server.WithDbAsync(async db =>
        {
            db.Memberships.Add(new Membership { OrganizationId = organizationId, UserId = userId, Role = role });
            return await db.SaveChangesAsync();
        });

    public static string Url(params (string Key, string Value)[] parameters) =>
        QueryHelpers.AddQueryString(AuthorizePath, parameters.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)));

    /// <summary>A complete, valid request for <paramref name="app"/>; <paramref name="extra"/> adds parameters or replaces defaults.</summary>
    public static string UrlFor(App app, string challenge, params (string Key, string Value)[] extra)
    {
        (string Key, string Value)[] defaults = [("response_type", "code"), ("client_id", app.ClientId), ("redirect_uri", Callback),
            ("state", "xyz"), ("code_challenge", challenge), ("code_challenge_method", "S256")];
        return Url([.. defaults.Where(d => !extra.Any(e => e.Key == d.Key)), .. extra]);
    }

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Latchkey.Protocol.Pkce.Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Latchkey.Protocol.Pkce.Base64Url(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>Asserts two authorization URLs carry the same path and parameters, in whatever order.</summary>
    public static void AssertSameRequest(string expected, string actual)
    {
        static (string, string) Split(string url) => url.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? (url[..q], url[q..]) : (url, "");
        var (expectedPath, expectedQuery) = Split(expected);
        var (actualPath, actualQuery) = Split(actual);
        Assert.Equal(expectedPath, actualPath);
        Assert.Equal(
            QueryHelpers.ParseQuery(expectedQuery).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"),
            QueryHelpers.ParseQuery(actualQuery).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
    }

    /// <summary>The response parameters in a redirect's Location query, decoded.</summary>
    public static Dictionary<string, string> ResponseParameters(this HttpResponseMessage response) =>
        QueryHelpers.ParseQuery(response.Headers.Location!.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    /// <summary>The Location without its query: where the browser is being sent.</summary>
    public static string Target(this HttpResponseMessage response) =>
        response.Headers.Location!.GetLeftPart(UriPartial.Path);

    /// <summary>Asserts an authorization error response (RFC 6749 §4.1.2.1, RFC 9207) at <paramref name="redirectUri"/>.</summary>
    public static Dictionary<string, string> AssertRedirectedError(this HttpResponseMessage response, string error, string redirectUri = Callback)
    {
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"expected a redirect, got {(int)response.StatusCode}");
        Assert.Equal(redirectUri, response.Target());
        var parameters = response.ResponseParameters();
        Assert.Equal(error, parameters["error"]);
        Assert.False(string.IsNullOrWhiteSpace(parameters["error_description"]));
        Assert.Equal(Issuer, parameters["iss"]);
        Assert.DoesNotContain("code", parameters.Keys);
        Assert.True(response.Headers.CacheControl?.NoStore);
        return parameters;
    }

    /// <summary>Asserts the authorization endpoint's own error page: a 400, shown, with no redirect anywhere.</summary>
    public static async Task<string> AssertErrorPageAsync(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var html = await response.HtmlAsync();
        Assert.Contains("id=\"error\"", html, StringComparison.Ordinal);
        return html;
    }

    /// <summary>Asserts a redirect to the sign-in page and returns the ReturnUrl it carries.</summary>
    public static string AssertSignInRedirect(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", response.Headers.Location!.AbsolutePath);
        return response.ResponseParameters()["ReturnUrl"];
    }

    /// <summary>Reads the consent screen's form; fails unless <paramref name="response"/> is the consent screen.</summary>
    public static async Task<(string Html, ConsentForm Form)> AssertConsentPageAsync(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var html = await response.HtmlAsync();
        var hidden = HiddenField().Matches(html).Select(m => KeyValuePair.Create(m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        var organizations = OrganizationOption().Matches(html).Select(m => Guid.Parse(m.Groups[1].Value)).ToList();
        return (html, new ConsentForm(hidden, organizations, PortalBrowser.AntiforgeryToken(html)));
    }

    /// <summary>Follows a sign-in or authorize redirect inside this server.</summary>
    public static Task<HttpResponseMessage> FollowAsync(this PortalBrowser browser, HttpResponseMessage redirect) =>
        browser.GetAsync(redirect.Headers.Location!.IsAbsoluteUri ? redirect.Headers.Location.PathAndQuery : redirect.Headers.Location.OriginalString);

    public static Task<int> InstallationCountAsync(this LatchkeyTestServer server, long appId) =>
        server.WithDbAsync(db => db.Installations.CountAsync(i => i.AppId == appId));

    public static Task<int> CodeCountAsync(this LatchkeyTestServer server, long appId) =>
        server.WithDbAsync(db => db.AuthorizationCodes.CountAsync(c => c.AppId == appId));

    /// <summary>How many tokens the app has ever been issued: a refused request adds none.</summary>
    public static Task<int> TokenCountAsync(this LatchkeyTestServer server, long appId) =>
        server.WithDbAsync(db => db.Tokens.CountAsync(t => t.AppId == appId));

    /// <summary>Redeems a code at the token endpoint with the client's secret and the PKCE verifier.</summary>
    public static async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> RedeemAsync(this LatchkeyTestServer server,
        App app, string secret, string code, string verifier, string redirectUri = Callback)
    {
        using var http = server.CreateClient();
        var (status, body, response) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", redirectUri), new("code_verifier", verifier)],
            (app.ClientId, secret)));
        response.Dispose();
        return (status, body);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();

    [GeneratedRegex("name=\"organization\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex OrganizationOption();
}
