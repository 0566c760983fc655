using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.BrowserTests;

/// <summary>RFC 7636 §4.1–4.2: a fresh verifier and its S256 challenge.</summary>
public sealed record PkcePair(string Verifier, string Challenge)
{
    public static PkcePair New()
    {
        var verifier = Latchkey.Protocol.Pkce.Base64Url(RandomNumberGenerator.GetBytes(32));
        return new PkcePair(verifier, Latchkey.Protocol.Pkce.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }
}

/// <summary>A token endpoint answer (RFC 6749 §5.1, §5.2) as the app reads it.</summary>
public sealed record TokenAnswer(HttpStatusCode Status, JsonElement Body)
{
    public string AccessToken => Body.GetProperty("access_token").GetString()!;
    public string RefreshToken => Body.GetProperty("refresh_token").GetString()!;
    public string? Error => Body.TryGetProperty("error", out var error) ? error.GetString() : null;
}

/// <summary>The session endpoint's answer, with the Bearer challenge of a refusal (RFC 6750 §3).</summary>
public sealed record SessionAnswer(HttpStatusCode Status, JsonElement Body, string? Challenge);

/// <summary>
/// What an app's own server does once a browser has brought it a code: the token requests of RFC 6749 §4.1.3
/// and §6 with HTTP Basic client authentication (§2.3.1), revocation (RFC 7009), and a Bearer call to
/// <c>GET /api/v1/session</c> (RFC 6750 §2.1), all over real HTTP to the live server.
/// </summary>
public sealed class AppClient(Uri latchkey, string clientId, string clientSecret) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = latchkey };

    public AppClient(LiveServer latchkey, RegisteredApp app)
        : this(latchkey.BaseAddress, app.ClientId, app.Secret)
    {
    }

    /// <summary>The authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3) for the browser to open.</summary>
    public string AuthorizeUrl(string redirectUri, string state, PkcePair pkce, params (string Key, string Value)[] extra) =>
        QueryHelpers.AddQueryString(new Uri(latchkey, "/oauth/authorize").ToString(),
        [
            new("response_type", "code"),
            new("client_id", clientId),
            new("redirect_uri", redirectUri),
            new("state", state),
            new("code_challenge", pkce.Challenge),
            new("code_challenge_method", "S256"),
            .. extra.Select(e => KeyValuePair.Create(e.Key, (string?)e.Value)),
        ]);

    /// <param name="pkce">Null for a request sent without PKCE, which only a confidential client may send (DESIGN.md rule 2).</param>
    public Task<TokenAnswer> ExchangeAsync(string code, string redirectUri, PkcePair? pkce)
    {
        (string Key, string Value)[] fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectUri)];
        return TokenAsync(pkce is null ? fields : [.. fields, ("code_verifier", pkce.Verifier)]);
    }

    public Task<TokenAnswer> RefreshAsync(string refreshToken) =>
        TokenAsync(("grant_type", "refresh_token"), ("refresh_token", refreshToken));

    public async Task<HttpStatusCode> RevokeAsync(string token)
    {
        using var request = Form("/oauth/revoke", ("token", token));
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    public async Task<SessionAnswer> SessionAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/session");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await _http.SendAsync(request);
        return new SessionAnswer(response.StatusCode, await JsonAsync(response), response.Headers.WwwAuthenticate.ToString());
    }

    public void Dispose() => _http.Dispose();

    private async Task<TokenAnswer> TokenAsync(params (string Key, string Value)[] fields)
    {
        using var request = Form("/oauth/token", fields);
        using var response = await _http.SendAsync(request);
        return new TokenAnswer(response.StatusCode, await JsonAsync(response));
    }

    /// <summary>RFC 6749 §2.3.1: the client id and secret, each form-urlencoded, in a Basic header.</summary>
    private HttpRequestMessage Form(string path, params (string Key, string Value)[] fields)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Key, f.Value))),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret)}")));
        return request;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length == 0)
        {
            return default;
        }
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
