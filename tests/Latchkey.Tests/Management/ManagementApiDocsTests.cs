using System.Text.Json;
using Latchkey.Tests.Infrastructure;

using static Latchkey.Tests.Management.ManagementApiKit;

namespace Latchkey.Tests.Management;

/// <summary>The management API describes itself: an OpenAPI document and a reference page, both open to all.</summary>
public sealed class ManagementApiDocsTests
{
    [Fact]
    public async Task OpenApiDocument_ListsTheManagementRoutesWithTheirResponses()
    {
        await using var server = await LatchkeyTestServer.StartAsync();

        using var response = await server.CreateClient().GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.JsonAsync();
        var paths = document.GetProperty("paths");
        var expected = new Dictionary<string, (string Method, string[] Statuses)[]>
        {
            ["/api/v1/apps"] = [("post", ["201", "400", "401"]), ("get", ["200", "401"])],
            ["/api/v1/apps/{client_id}"] = [("get", ["200", "401", "404"]), ("put", ["200", "400", "401", "404"]),
                ("patch", ["200", "400", "401", "404"]), ("delete", ["204", "401", "404"])],
            ["/api/v1/apps/{client_id}/secrets"] = [("post", ["201", "401", "404", "409"])],
            ["/api/v1/apps/{client_id}/secrets/{secret_id}"] = [("delete", ["204", "401", "404", "409"])],
        };
        foreach (var (path, operations) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"the document should list {path}");
            foreach (var (method, statuses) in operations)
            {
                var operation = item.GetProperty(method);
                Assert.Equal(statuses, operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
                Assert.Equal("ManagementKey", operation.GetProperty("security")[0].EnumerateObject().Single().Name);
            }
        }
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ManagementKey").GetProperty("scheme").GetString());

        var create = paths.GetProperty("/api/v1/apps").GetProperty("post");
        Assert.True(create.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        var schemas = document.GetProperty("components").GetProperty("schemas");
        Assert.Contains("client_secret", Properties(schemas, "CreatedAppResponse"));
        Assert.DoesNotContain("client_secret", Properties(schemas, "AppResponse"));
        Assert.Superset(new HashSet<string> { "name", "redirect_uris", "profile", "public" }, Properties(schemas, "CreateAppRequest"));
    }

    [Fact]
    public async Task ReferencePage_IsHtml()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var client = server.CreateClient();

        using var redirect = await client.GetAsync("/scalar", Ct);
        using var page = await client.GetAsync("/scalar/", Ct);

        Assert.Equal("/scalar/", new Uri(new Uri("http://localhost/scalar"), redirect.Headers.Location!).AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static HashSet<string> Properties(JsonElement schemas, string name) =>
        [.. schemas.GetProperty(name).GetProperty("properties").EnumerateObject().Select(p => p.Name)];
}
