using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Management;

/// <summary>Arrange-and-read helpers for the <c>/api/v1</c> tests: an organization with a keyed client, and JSON in and out.</summary>
internal static class ManagementApiKit
{
    public const string Apps = "/api/v1/apps";
    public const string GoodRedirect = "https://client.example/callback";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new organization and a client that sends its management key.</summary>
    public static async Task<(HttpClient Client, Guid OrganizationId)> ManagementClientAsync(this LatchkeyTestServer server)
    {
        var org = await server.OrganizationAsync();
        var key = await server.ManagementKeyAsync(org.Id);
        return (server.CreateClient().WithBearer(key), org.Id);
    }

    public static HttpClient WithBearer(this HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Creates an app over the API and returns the 201 body.</summary>
    public static async Task<JsonElement> CreateAppAsync(this HttpClient client, object? body = null)
    {
        using var response = await client.PostAsJsonAsync(Apps, body ?? new { name = "Test App", redirect_uris = new[] { GoodRedirect } }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, string json) =>
        client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") }, Ct);


    /// <summary>Asserts a 400 <c>application/problem+json</c> whose <c>errors</c> names <paramref name="field"/>, and returns the reasons.</summary>
    public static async Task<string> AssertValidationProblemAsync(this HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var reasons), $"errors should name '{field}': {errors}");
        return string.Join(" ", reasons.EnumerateArray().Select(r => r.GetString()));
    }

    /// <summary>Asserts an <c>application/problem+json</c> answer with <paramref name="status"/>, and returns the problem.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static string[] Strings(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
