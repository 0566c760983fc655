using System.Text.RegularExpressions;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Portal;

/// <summary>
/// Drives the server-rendered pages like a browser would: keeps cookies, reads the antiforgery token
/// out of a page's form and posts it back with the fields. Redirects are not followed, so tests see them.
/// </summary>
public sealed partial class PortalBrowser(HttpClient http)
{
    public const string Password = "correct-horse-battery-9";
    public const string TokenField = "__RequestVerificationToken";

    /// <summary>A new user with <paramref name="role"/> in the organization, already signed in.</summary>
    public static async Task<PortalBrowser> SignedInAsync(LatchkeyTestServer server, Guid organizationId, OrganizationRole role)
    {
        var user = await server.UserAsync($"{Guid.NewGuid():N}@example.com", Password, organizationId, role);
        var browser = new PortalBrowser(server.CreateCookieClient());
        var response = await browser.SignInAsync(user.Email!, Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    public Task<HttpResponseMessage> SignInAsync(string email, string password, string? returnUrl = null) =>
        SubmitAsync("/account/login" + (returnUrl is null ? "" : "?ReturnUrl=" + Uri.EscapeDataString(returnUrl)),
            [new("Email", email), new("Password", password)]);

    public Task<HttpResponseMessage> GetAsync(string url) =>
        http.GetAsync(new Uri(url, UriKind.Relative), TestContext.Current.CancellationToken);

    /// <summary>The page's HTML; fails the test unless it is a 200.</summary>
    public async Task<string> GetPageAsync(string url)
    {
        using var response = await GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.HtmlAsync();
    }

    /// <summary>Fills in the form on <paramref name="formPage"/> and posts it to <paramref name="action"/>
    /// (default: the same URL), with the page's antiforgery token.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string formPage, IEnumerable<KeyValuePair<string, string>> fields, string? action = null)
    {
        var token = AntiforgeryToken(await GetPageAsync(formPage));
        return await PostAsync(action ?? formPage, [.. fields, new(TokenField, token)]);
    }

    /// <summary>Posts exactly <paramref name="fields"/>: no token unless the test adds one.</summary>
    public Task<HttpResponseMessage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> fields) =>
        http.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(fields), TestContext.Current.CancellationToken);

    public static string AntiforgeryToken(string html) =>
        TokenPattern().Match(html) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException("The page has no antiforgery token.");

    /// <summary>The text of the element with this id, e.g. the <c>client-secret</c> shown once.</summary>
    /// <summary>The text of the element with <paramref name="id"/>, HTML-decoded (Razor encodes <c>+</c> in base64 secrets).</summary>
    public static string? TextOf(string html, string id) =>
        Regex.Match(html, $"id=\"{Regex.Escape(id)}\">([^<]*)<") is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

public static class HtmlResponses
{
    public static Task<string> HtmlAsync(this HttpResponseMessage response) =>
        response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
}
