using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Latchkey.Tests.Infrastructure;

/// <summary>Just enough of an OAuth client to speak to the token-style endpoints in tests.</summary>
public static class OAuthClient
{
    public static HttpRequestMessage Form(string path, IEnumerable<KeyValuePair<string, string>> fields, (string Id, string Secret)? basic = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        if (basic is { } credentials)
        {
            request.Headers.Authorization = BasicHeader(credentials.Id, credentials.Secret);
        }
        return request;
    }

    /// <summary>RFC 6749 §2.3.1: each part form-urlencoded, then base64.</summary>
    public static AuthenticationHeaderValue BasicHeader(string id, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(id)}:{Uri.EscapeDataString(secret)}")));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> ExchangeAsync(this HttpClient http, HttpRequestMessage request)
    {
        var response = await http.SendAsync(request);
        return (response.StatusCode, await response.JsonAsync(), response);
    }
}
