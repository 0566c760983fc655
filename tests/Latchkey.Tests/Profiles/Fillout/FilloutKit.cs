using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Protocol;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Profiles.Fillout;

/// <summary>
/// One Fillout deployment for a test class, on a clock the tests move. Password hashing is cut to one
/// iteration, as in <see cref="SharedServer"/>: these tests sign many users in.
/// </summary>
public sealed class FilloutServer : ClockedServer
{
    protected override Task<LatchkeyTestServer> StartAsync(ManualClock clock) => FilloutKit.StartAsync(clock);
}

/// <summary>A Fillout app with its secret shown once, and where it is registered.</summary>
public sealed record FilloutApp(App App, string Secret)
{
    public string ClientId => App.ClientId;
}

/// <summary>Seed 002's endpoints, spoken as a Fillout client speaks them.</summary>
public static class FilloutKit
{
    public const string AuthorizePath = "/authorize/oauth";
    public const string TokenPath = "/public/oauth/accessToken";
    public const string InvalidatePath = "/public/oauth/invalidate";
    public const string BaseUrl = "https://api.fillout.example";
    public const string Callback = "https://client.example/fillout/callback";
    public const string OtherCallback = "https://client.example/fillout/other";
    public const string State = "opaque state / 42";

    /// <summary>A server whose default profile is Fillout, with the operator's API base configured.</summary>
    public static Task<LatchkeyTestServer> StartAsync(TimeProvider? clock = null, DatabaseKind kind = DatabaseKind.Sqlite,
        Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?> { ["Latchkey:Fillout:BaseUrl"] = BaseUrl };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        return ProfileKit.StartAsync("fillout", clock, kind, all);
    }

    /// <summary>An app of the deployment's profile (or <paramref name="profile"/>) with two redirect URIs and, as Fillout documents, no scopes.</summary>
    public static async Task<FilloutApp> FilloutAppAsync(this LatchkeyTestServer server, Latchkey.Profiles.ProfileName? profile = null)
    {
        var created = await server.AppAsync((await server.OrganizationAsync()).Id, new AppDraft
        {
            Name = "Forms Sync",
            LogoUrl = "https://client.example/icon.png",
            RedirectUris = [Callback, OtherCallback],
            Scopes = [],
            Profile = profile,
        });
        return new FilloutApp(created.App, created.Secret!.Plaintext);
    }

    /// <summary>Seed 002's authorization request: client_id, redirect_uri and state, nothing else.</summary>
    public static string AuthorizeUrl(string clientId, string redirectUri = Callback, string state = State) =>
        QueryHelpers.AddQueryString(AuthorizePath, new Dictionary<string, string?> { ["client_id"] = clientId, ["redirect_uri"] = redirectUri, ["state"] = state });

    /// <summary>Signs the person's consent to <paramref name="app"/> at <c>/authorize/oauth</c>; the code from the redirect.</summary>
    public static async Task<string> ApproveAsync(this Person person, FilloutApp app, string redirectUri = Callback)
    {
        using var page = await person.Browser.GetAsync(AuthorizeUrl(app.ClientId, redirectUri));
        var (_, form) = await page.AssertConsentPageAsync();
        using var approved = await person.Browser.PostAsync(AuthorizePath, form.Answer("approve", person.OrganizationId));
        Assert.Equal(HttpStatusCode.SeeOther, approved.StatusCode);
        return approved.ResponseParameters()["code"];
    }

    /// <summary>The token request with seed 002's four fields as a JSON body.</summary>
    public static HttpRequestMessage JsonTokenRequest(FilloutApp app, string code, string redirectUri = Callback) =>
        RawTokenRequest("application/json", JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["code"] = code,
            ["client_id"] = app.ClientId,
            ["client_secret"] = app.Secret,
            ["redirect_uri"] = redirectUri,
        }));

    /// <summary>The same four fields as a form body.</summary>
    public static HttpRequestMessage FormTokenRequest(FilloutApp app, string code, string redirectUri = Callback) =>
        OAuthClient.Form(TokenPath, [new("code", code), new("client_id", app.ClientId), new("client_secret", app.Secret), new("redirect_uri", redirectUri)]);

    public static HttpRequestMessage RawTokenRequest(string? contentType, string body, string path = TokenPath)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        return request;
    }

    /// <summary>Redeems a code with a JSON body; the access token and base_url.</summary>
    public static async Task<(string AccessToken, string BaseUrl)> RedeemAsync(this HttpClient http, FilloutApp app, string code)
    {
        var (status, body, response) = await http.ExchangeAsync(JsonTokenRequest(app, code));
        response.Dispose();
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return (body.GetProperty("access_token").GetString()!, body.GetProperty("base_url").GetString()!);
    }

    public static HttpRequestMessage InvalidateRequest(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, InvalidatePath);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    /// <summary>An RFC 6749 §5.2 error: status, error code, a description, and no caching.</summary>
    public static void AssertError(HttpStatusCode status, string error, (HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response) result)
    {
        Assert.Equal(status, result.Status);
        Assert.Equal(["error", "error_description"], result.Body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(error, result.Body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(result.Body.GetProperty("error_description").GetString()));
        Assert.Equal("no-store", result.Response.Headers.CacheControl?.ToString());
    }
}
