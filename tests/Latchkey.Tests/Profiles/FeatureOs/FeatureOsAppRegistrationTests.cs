using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Protocol;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;
using ManagementApiKit = Latchkey.Tests.Management.ManagementApiKit;

namespace Latchkey.Tests.Profiles.FeatureOs;

/// <summary>
/// <c>POST /oauth/apps</c> (FACTS.md "FeatureOS", "Register"): an admin of the owner organization, signed in,
/// names it in <c>X-Organization</c>; the answer shows client_id and client_secret once. Everything refused changes nothing.
/// </summary>
public sealed class FeatureOsAppRegistrationTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string DocumentedBody = $$"""
        {
          "name": "My Integration",
          "redirect_uris": ["{{FeatureOsKit.Callback}}"],
          "allowed_actor_modes": ["app", "self"],
          "declared_scopes": ["posts:read", "posts:write"]
        }
        """;

    private LatchkeyTestServer Server => shared.Server;

    private Task<int> AppCountAsync(Guid organizationId) => Server.WithDbAsync(db => db.Apps.CountAsync(a => a.OrganizationId == organizationId));

    [Fact]
    public async Task Register_AsAdmin_Is201_WithTheSecretOnce_AndTheSettings()
    {
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);

        using var response = await admin.Http.RegisterAsync(admin.Organization.Id.ToString(), DocumentedBody);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var app = await response.JsonAsync();
        var clientId = app.GetProperty("client_id").GetString()!;
        var secret = app.GetProperty("client_secret").GetString()!;
        Assert.True(TokenCodec.IsWellFormed(clientId, TokenPrefixes.FeatureOs.ClientId), clientId);
        Assert.True(TokenCodec.IsWellFormed(secret, TokenPrefixes.FeatureOs.ClientSecret), "client_secret is not a fosec_ secret");
        Assert.Equal("My Integration", app.GetProperty("name").GetString());
        Assert.Equal([FeatureOsKit.Callback], app.GetProperty("redirect_uris").Strings());
        Assert.Equal(["app", "self"], app.GetProperty("allowed_actor_modes").Strings());
        Assert.Equal(["posts:read", "posts:write"], app.GetProperty("declared_scopes").Strings());
        Assert.Equal(JsonValueKind.Null, app.GetProperty("webhook_url").ValueKind);
        Assert.Empty(app.GetProperty("subscribed_webhook_events").EnumerateArray());
        Assert.Equal(admin.Organization.Id, app.GetProperty("owner_organization").GetProperty("id").GetGuid());

        var stored = await Server.WithDbAsync(db => db.Apps.Include(a => a.Secrets).SingleAsync(a => a.ClientId == clientId));
        Assert.Equal(Latchkey.Profiles.ProfileName.FeatureOs, stored.Profile);
        Assert.Equal(admin.Organization.Id, stored.OrganizationId);
        Assert.True(ClientSecrets.Verify(stored, secret, DateTimeOffset.UtcNow));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("name")]
    [InlineData("subdomain")]
    public async Task Register_XOrganization_IsTheIdTheNameOrTheSubdomain(string by)
    {
        var organization = await Server.OrganizationAsync("Acme Labs " + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant());
        var admin = await Server.SignedInAsync(OrganizationRole.Owner, organization);
        var named = by switch
        {
            "id" => organization.Id.ToString(),
            "name" => organization.Name,
            _ => "acme-labs-" + organization.Name[^6..].ToLowerInvariant(),
        };

        using var response = await admin.Http.RegisterAsync(named, DocumentedBody);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var owner = (await response.JsonAsync()).GetProperty("owner_organization");
        Assert.Equal(organization.Id, owner.GetProperty("id").GetGuid());
        Assert.Equal(organization.Name, owner.GetProperty("name").GetString());
        Assert.Equal("acme-labs-" + organization.Name[^6..].ToLowerInvariant(), owner.GetProperty("subdomain").GetString());
    }

    [Fact]
    public async Task Register_AsMember_Is403_AndCreatesNothing()
    {
        var member = await Server.SignedInAsync(OrganizationRole.Member);

        using var response = await member.Http.RegisterAsync(member.Organization.Id.ToString(), DocumentedBody);

        await ManagementApiKit.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(0, await AppCountAsync(member.Organization.Id));
    }

    [Fact]
    public async Task Register_ForAnOrganizationTheUserIsNotIn_Is404_ByIdAndByName_AndCreatesNothing()
    {
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);
        var other = await Server.OrganizationAsync();

        foreach (var named in new[] { other.Id.ToString(), other.Name, "no-such-org" })
        {
            using var response = await admin.Http.RegisterAsync(named, DocumentedBody);
            await ManagementApiKit.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        Assert.Equal(0, await AppCountAsync(other.Id));
        Assert.Equal(0, await AppCountAsync(admin.Organization.Id));
    }

    [Fact]
    public async Task Register_SignedOut_Is401_NotARedirectToTheLoginPage()
    {
        var organization = await Server.OrganizationAsync();

        using var response = await Server.CreateClient().RegisterAsync(organization.Id.ToString(), DocumentedBody);

        await ManagementApiKit.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(0, await AppCountAsync(organization.Id));
    }

    [Fact]
    public async Task Register_WithoutXOrganization_Is400_NamingTheHeader()
    {
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);

        using var response = await admin.Http.RegisterAsync(null, DocumentedBody);

        await ManagementApiKit.AssertValidationProblemAsync(response, "X-Organization");
        Assert.Equal(0, await AppCountAsync(admin.Organization.Id));
    }

    [Fact]
    public async Task Register_SubdomainOfTwoOfTheUsersOrganizations_Is400_AskingForTheId()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var first = await Server.OrganizationAsync($"Twin {tag}");
        var second = await Server.OrganizationAsync($"Twin.{tag}");
        var admin = await Server.SignedInAsync(OrganizationRole.Admin, first);
        await Server.AddMembershipAsync(admin.UserId, second.Id, OrganizationRole.Admin);

        using var response = await admin.Http.RegisterAsync($"twin-{tag}", DocumentedBody);
        using var byName = await admin.Http.RegisterAsync($"Twin {tag}", DocumentedBody);

        Assert.Contains("id", await ManagementApiKit.AssertValidationProblemAsync(response, "X-Organization"), StringComparison.Ordinal);
        Assert.Equal(first.Id, (await byName.JsonAsync()).GetProperty("owner_organization").GetProperty("id").GetGuid());
    }

    /// <summary>
    /// DESIGN.md rule 6: a cookie-authenticated POST that a page on another site could send (a form, or any
    /// CORS-safelisted type) is refused before anything is read, 415 as a problem document.
    /// </summary>
    [Theory]
    [InlineData("application/x-www-form-urlencoded", "name=My+Integration")]
    [InlineData("text/plain", DocumentedBody)]
    [InlineData("multipart/form-data; boundary=x", "--x--")]
    public async Task Register_WithoutAJsonContentType_Is415_AndCreatesNothing(string contentType, string body)
    {
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);
        var content = new StringContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/apps") { Content = content };
        request.Headers.Add("X-Organization", admin.Organization.Id.ToString());

        using var response = await admin.Http.SendAsync(request, FeatureOsKit.Ct);

        await ManagementApiKit.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(0, await AppCountAsync(admin.Organization.Id));
    }

    [Theory]
    [InlineData("name", """{"redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["self"], "declared_scopes": ["posts:read"]}""")]
    [InlineData("redirect_uris", """{"name": "X", "allowed_actor_modes": ["self"], "declared_scopes": ["posts:read"]}""")]
    [InlineData("allowed_actor_modes", """{"name": "X", "redirect_uris": ["https://myapp.example/cb"], "declared_scopes": ["posts:read"]}""")]
    [InlineData("declared_scopes", """{"name": "X", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["self"]}""")]
    [InlineData("name", """{"name": " ", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["self"], "declared_scopes": []}""")]
    [InlineData("redirect_uris", """{"name": "X", "redirect_uris": [], "allowed_actor_modes": ["self"], "declared_scopes": []}""")]
    [InlineData("redirect_uris", """{"name": "X", "redirect_uris": ["http://myapp.example/cb"], "allowed_actor_modes": ["self"], "declared_scopes": []}""")]
    [InlineData("redirect_uris", """{"name": "X", "redirect_uris": ["https://myapp.example/cb#top"], "allowed_actor_modes": ["self"], "declared_scopes": []}""")]
    [InlineData("redirect_uris", """{"name": "X", "redirect_uris": ["/callback"], "allowed_actor_modes": ["self"], "declared_scopes": []}""")]
    [InlineData("redirect_uris", """{"name": "X", "redirect_uris": [null], "allowed_actor_modes": ["self"], "declared_scopes": []}""")]
    [InlineData("declared_scopes", """{"name": "X", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["self"], "declared_scopes": ["posts:delete"]}""")]
    [InlineData("declared_scopes", """{"name": "X", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["self"], "declared_scopes": "posts:read"}""")]
    [InlineData("allowed_actor_modes", """{"name": "X", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["bot"], "declared_scopes": []}""")]
    [InlineData("allowed_actor_modes", """{"name": "X", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": [], "declared_scopes": []}""")]
    [InlineData("webhook_url", """{"name": "X", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["app"], "declared_scopes": ["posts:read"], "webhook_url": "https://myapp.example/hooks"}""")]
    [InlineData("subscribed_webhook_events", """{"name": "X", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["app"], "declared_scopes": ["posts:read"], "webhook_url": "https://myapp.example/hooks", "subscribed_webhook_events": ["post_created"]}""")]
    [InlineData("subscribed_webhook_events", """{"name": "X", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["app"], "declared_scopes": ["webhooks:manage"], "subscribed_webhook_events": ["post_created"]}""")]
    [InlineData("webhook_url", """{"name": "X", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["app"], "declared_scopes": ["webhooks:manage"], "webhook_url": "http://myapp.example/hooks"}""")]
    [InlineData("scopes", """{"name": "X", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["self"], "declared_scopes": [], "scopes": []}""")]
    [InlineData("name", """{"name": "X", "name": "Y", "redirect_uris": ["https://myapp.example/cb"], "allowed_actor_modes": ["self"], "declared_scopes": []}""")]
    [InlineData("body", """["not", "an", "object"]""")]
    [InlineData("body", """{"name": """)]
    public async Task Register_BadField_IsAValidationProblemNamingIt_AndCreatesNothing(string field, string body)
    {
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);

        using var response = await admin.Http.RegisterAsync(admin.Organization.Id.ToString(), body);

        await ManagementApiKit.AssertValidationProblemAsync(response, field);
        Assert.Equal(0, await AppCountAsync(admin.Organization.Id));
    }

    [Fact]
    public async Task Register_WebhookWithWebhooksManage_AndALoopbackRedirect_AreAccepted()
    {
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);

        using var response = await admin.Http.RegisterAsync(admin.Organization.Id.ToString(), """
            {
              "name": "My Integration",
              "redirect_uris": ["http://localhost:3000/callback", "http://127.0.0.1/callback", "https://myapp.example/callback"],
              "allowed_actor_modes": ["app"],
              "declared_scopes": ["posts:read", "webhooks:manage"],
              "webhook_url": "https://myapp.example/webhooks/featureos",
              "subscribed_webhook_events": ["post_created", "post_updated"]
            }
            """);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var app = await response.JsonAsync();
        Assert.Equal("https://myapp.example/webhooks/featureos", app.GetProperty("webhook_url").GetString());
        Assert.Equal(["post_created", "post_updated"], app.GetProperty("subscribed_webhook_events").Strings());
    }
}
