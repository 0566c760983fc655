using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Profiles.FeatureOs;
using Latchkey.Tests.Portal;
using Latchkey.Tests.Profiles;
using Latchkey.Tests.Protocol;
using ManagementApiKit = Latchkey.Tests.Management.ManagementApiKit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using static Latchkey.Tests.Protocol.AuthorizeKit;

namespace Latchkey.Tests.Scopes;

/// <summary>
/// One server per deployment kind, started when a test first needs it: a deployment profile, optionally with
/// operator-configured scopes (<c>invoices:read</c>, and <c>read.secrets</c> reworded).
/// </summary>
public sealed class CatalogueServers : IAsyncDisposable
{
    public const string Configured = "+configured";

    private readonly Dictionary<string, LatchkeyTestServer> _servers = [];

    /// <param name="deployment">A profile's wire name, with <see cref="Configured"/> appended for the operator's scopes.</param>
    public async Task<LatchkeyTestServer> ForAsync(string deployment)
    {
        if (!_servers.TryGetValue(deployment, out var server))
        {
            var settings = new Dictionary<string, string?> { ["Latchkey:Profile"] = deployment.Replace(Configured, "", StringComparison.Ordinal) };
            if (deployment.EndsWith(Configured, StringComparison.Ordinal))
            {
                settings["Latchkey:Scopes:0:Name"] = "invoices:read";
                settings["Latchkey:Scopes:0:Description"] = "Read invoices";
                settings["Latchkey:Scopes:1:Name"] = "read.secrets";
                settings["Latchkey:Scopes:1:Description"] = "Read secrets from the vault";
            }
            server = await LatchkeyTestServer.StartAsync(settings: settings,
                services: s => s.Configure<PasswordHasherOptions>(o => o.IterationCount = 1));
            _servers[deployment] = server;
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values)
        {
            await server.DisposeAsync();
        }
    }
}

/// <summary>
/// The allowed-scope catalogue is the app's profile's, not the deployment's (<c>ScopeCatalogues</c>): a seed
/// profile's app gets its provider's scopes on any deployment, a standard app the deployment's, and the operator's
/// configured scopes extend every catalogue (replacing only the standard deployment's FeatureOS example). App
/// creation, the authorization request, the consent descriptions (page and JSON), client credentials, the
/// portal form and the metadata all agree.
/// </summary>
public sealed class ScopeCatalogueTests(CatalogueServers servers) : IClassFixture<CatalogueServers>
{
    private const string Standard = "standard";
    private const string StandardConfigured = Standard + CatalogueServers.Configured;
    private const string Onboardbase = "onboardbase";
    private const string OnboardbaseConfigured = Onboardbase + CatalogueServers.Configured;
    private const string Fub = "fub";
    private const string PostsRead = "Read feature requests / feedback posts";
    private const string ApiScope = "Use the API on your behalf";
    private static readonly string[] Callbacks = [Callback];
    private static readonly string[] ReadSecrets = ["read.secrets"];
    private static readonly string[] BothActors = ["self", "app"];

    /// <summary>(deployment, app profile, scope, its consent description; null: refused).</summary>
    public static TheoryData<string, string, string, string?> Cases => new()
    {
        { Standard, Standard, "posts:read", PostsRead },
        { Standard, Standard, "read.secrets", null },
        { Standard, "featureos", "webhooks:manage", "Register a webhook URL and receive event notifications" },
        { Standard, "featureos", "read.secrets", null },
        { Standard, Onboardbase, "read.secrets", "Read secrets" },
        { Standard, Onboardbase, "manage.teams", "Create, read, update and delete teams" },
        { Standard, Onboardbase, "posts:read", null },
        { Standard, Fub, "api", ApiScope },
        { Standard, Fub, "posts:read", null },
        { Standard, "fillout", "api", ApiScope },
        { Onboardbase, Standard, "manage.teams", "Create, read, update and delete teams" },
        { Onboardbase, Standard, "posts:read", null },
        { Onboardbase, "featureos", "posts:read", PostsRead },
        { Onboardbase, Onboardbase, "read.projects", "Read projects" },
        { Onboardbase, Fub, "read.secrets", null },
        { Fub, Standard, "api", ApiScope },
        { Fub, Standard, "posts:read", null },
        { Fub, Onboardbase, "delete.projects", "Delete projects" },
        { StandardConfigured, Standard, "invoices:read", "Read invoices" },
        { StandardConfigured, Standard, "posts:read", null },
        { StandardConfigured, Onboardbase, "invoices:read", "Read invoices" },
        { StandardConfigured, Onboardbase, "read.secrets", "Read secrets from the vault" },
        { StandardConfigured, "featureos", "posts:read", PostsRead },
        { StandardConfigured, Fub, "nuclear:launch", null },
        { OnboardbaseConfigured, Standard, "invoices:read", "Read invoices" },
        { OnboardbaseConfigured, Standard, "update.teams", "Update teams" },
    };

    [Theory, MemberData(nameof(Cases))]
    public async Task Create_DeclaringTheScope_IsAllowedOnlyInTheAppProfilesCatalogue(string deployment, string profile, string scope, string? description)
    {
        var server = await servers.ForAsync(deployment);
        var (client, _) = await ManagementApiKit.ManagementClientAsync(server);

        using var response = await client.PostAsJsonAsync(ManagementApiKit.Apps,
            new { name = "Scoped", redirect_uris = Callbacks, scopes = new[] { scope }, profile }, ManagementApiKit.Ct);

        if (description is null)
        {
            Assert.Contains($"'{scope}'", await ManagementApiKit.AssertValidationProblemAsync(response, "scopes"), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal([scope], (await response.JsonAsync()).GetProperty("scopes").Strings());
        }
    }

    /// <summary>An app declaring no scopes may ask for its profile's whole catalogue, and nothing else; the consent
    /// screen explains each scope in the words of that catalogue.</summary>
    [Theory, MemberData(nameof(Cases))]
    public async Task Authorize_RequestingTheScope_IsAllowedOnlyInTheAppProfilesCatalogue(string deployment, string profile, string scope, string? description)
    {
        var server = await servers.ForAsync(deployment);
        var (client, _) = await ManagementApiKit.ManagementClientAsync(server);
        var app = await ManagementApiKit.CreateAppAsync(client, new { name = "Everything", redirect_uris = Callbacks, profile });
        var owner = await server.PersonAsync(OrganizationRole.Owner);

        using var response = await owner.Browser.GetAsync(StandardRequest(app.GetProperty("client_id").GetString()!, scope));

        if (description is null)
        {
            Assert.Equal("invalid_scope", response.AssertRedirectedError("invalid_scope")["error"]);
        }
        else
        {
            var (html, _) = await response.AssertConsentPageAsync();
            Assert.Contains($"<li><code>{scope}</code> {description}</li>", html, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string[]> Advertised => new()
    {
        { Standard, [.. Latchkey.Scopes.BuiltInCatalogues.FeatureOs.Select(s => s.Name)] },
        { Onboardbase, [.. Latchkey.Scopes.BuiltInCatalogues.Onboardbase.Select(s => s.Name)] },
        { Fub, ["api"] },
        { StandardConfigured, ["invoices:read", "read.secrets"] },
        { OnboardbaseConfigured, [.. Latchkey.Scopes.BuiltInCatalogues.Onboardbase.Select(s => s.Name), "invoices:read"] },
    };

    /// <summary>RFC 8414 §2 <c>scopes_supported</c>: the deployment profile's catalogue with the configured scopes, not every profile's.</summary>
    [Theory, MemberData(nameof(Advertised))]
    public async Task Metadata_ScopesSupported_IsTheDeploymentProfilesCatalogue(string deployment, string[] expected)
    {
        var server = await servers.ForAsync(deployment);
        using var http = server.CreateClient();

        var metadata = await http.GetFromJsonAsync<JsonElement>("/.well-known/oauth-authorization-server", ManagementApiKit.Ct);

        Assert.Equal(expected, metadata.GetProperty("scopes_supported").Strings());
    }

    [Fact]
    public async Task ConsentApi_ForAnOnboardbaseApp_OnAStandardDeployment_DescribesSeed003sScopes()
    {
        var server = await servers.ForAsync(Standard);
        var (client, _) = await ManagementApiKit.ManagementClientAsync(server);
        var app = await ManagementApiKit.CreateAppAsync(client, new { name = "Vault", redirect_uris = Callbacks, profile = Onboardbase });
        var user = await server.SignedInAsync(OrganizationRole.Owner);

        using var response = await user.Http.MetadataAsync(("response_type", "code"), ("client_id", app.GetProperty("client_id").GetString()!),
            ("redirect_uri", Callback), ("scope", "read.secrets manage.projects"), ("state", "xyz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var details = (await response.JsonAsync()).GetProperty("scope_details");
        Assert.Equal("Read secrets", details.GetProperty("read.secrets").GetString());
        Assert.Equal("Create, read, update and delete projects", details.GetProperty("manage.projects").GetString());
    }

    /// <summary>
    /// A scope the app's settings still name but its catalogue no longer has (the operator removed it from the
    /// configuration) is not grantable: refused when asked for, left out when the request names no scope.
    /// </summary>
    [Fact]
    public async Task AScopeGoneFromTheCatalogue_IsNoLongerGranted()
    {
        var server = await servers.ForAsync(Standard);
        var (client, _) = await ManagementApiKit.ManagementClientAsync(server);
        var created = await ManagementApiKit.CreateAppAsync(client, new
        {
            name = "Legacy", redirect_uris = Callbacks, scopes = ReadSecrets, actor_modes = BothActors, profile = Onboardbase,
        });
        var clientId = created.GetProperty("client_id").GetString()!;
        await server.WithDbAsync(db => db.Apps.Where(a => a.ClientId == clientId)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.AllowedScopes, new List<string> { "read.secrets", "invoices:read" })));
        var owner = await server.PersonAsync(OrganizationRole.Owner);

        using var asked = await owner.Browser.GetAsync(StandardRequest(clientId, "invoices:read"));
        asked.AssertRedirectedError("invalid_scope");

        using var unnamed = await owner.Browser.GetAsync(StandardRequest(clientId, null));
        var (html, _) = await unnamed.AssertConsentPageAsync();
        Assert.Contains("<code>read.secrets</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("invoices:read", html, StringComparison.Ordinal);

        using var http = server.CreateClient();
        var (status, bot, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "client_credentials")], (clientId, created.GetProperty("client_secret").GetString()!)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("read.secrets", bot.GetProperty("scope").GetString());
        var (refusedStatus, refused, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "client_credentials"), new("scope", "invoices:read")], (clientId, created.GetProperty("client_secret").GetString()!)));
        Assert.Equal(HttpStatusCode.BadRequest, refusedStatus);
        Assert.Equal("invalid_scope", refused.GetProperty("error").GetString());
    }

    /// <summary>The portal's new-app form offers the chosen profile's scopes (<c>?profile=</c>), the deployment's by default.</summary>
    [Theory]
    [InlineData("", "posts:read", "read.secrets")]
    [InlineData("?profile=onboardbase", "read.secrets", "posts:read")]
    [InlineData("?profile=fub", "api", "posts:read")]
    public async Task PortalNewApp_OffersTheProfilesScopes(string query, string offered, string notOffered)
    {
        var server = await servers.ForAsync(Standard);
        var owner = await server.PersonAsync(OrganizationRole.Owner);

        using var response = await owner.Browser.GetAsync("/portal/apps/new" + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.HtmlAsync();
        Assert.Contains($"name=\"Form.Scopes\" value=\"{offered}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain($"value=\"{notOffered}\"", html, StringComparison.Ordinal);
    }

    /// <summary>A standard request (works for an app of any profile), scope named or left out.</summary>
    private static string StandardRequest(string clientId, string? scope) =>
        Url([("response_type", "code"), ("client_id", clientId), ("redirect_uri", Callback), ("state", "xyz"),
            ("code_challenge", Challenge), ("code_challenge_method", "S256"), .. scope is null ? Array.Empty<(string, string)>() : [("scope", scope)]]);
}
