using System.Collections.Concurrent;
using System.Text.Json;
using Latchkey.Accounts;
using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Installations;

/// <summary>
/// One server per database provider for a whole test class. The installation tests share it because
/// each arranges its own organizations, users and apps, and nothing they do reaches across organizations.
/// </summary>
public sealed class SharedServers : IAsyncDisposable
{
    private readonly ConcurrentDictionary<DatabaseKind, Lazy<Task<LatchkeyTestServer>>> _servers = new();

    public Task<LatchkeyTestServer> ForAsync(DatabaseKind kind = DatabaseKind.Sqlite) =>
        _servers.GetOrAdd(kind, k => new Lazy<Task<LatchkeyTestServer>>(() => LatchkeyTestServer.StartAsync(k))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values.Where(s => s.IsValueCreated))
        {
            // A provider whose start was skipped (no PostgreSQL) left a faulted task: nothing to stop.
            if (server.Value.IsCompletedSuccessfully)
            {
                await (await server.Value).DisposeAsync();
            }
        }
    }
}

/// <summary>
/// An app owned by one organization, installed in another (the target) by a member who consented to let it act
/// as them, with the access and refresh token the token endpoint gave it: the state every test here starts from.
/// </summary>
public sealed record Installed(
    LatchkeyTestServer Server,
    App App,
    string Secret,
    Organization Owner,
    Organization Target,
    User User,
    Guid InstallationId,
    string AccessToken,
    string RefreshToken)
{
    public string Path => $"{InstallationsKit.Api}/{InstallationId}";
}

public static class InstallationsKit
{
    public const string Api = "/api/v1/installations";
    public const string AdminPage = "/portal/installations";
    public const string UserPage = "/account/authorizations";
    public const string Callback = "https://client.example/callback";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string UninstallPage(Guid installationId) => $"{AdminPage}/{installationId}/uninstall";

    /// <summary>A new app of a new owner organization, allowing both actor modes.</summary>
    public static async Task<(App App, string Secret, Organization Owner)> OwnedAppAsync(this LatchkeyTestServer server,
        string name = "Acme Sync", string? ownerName = null)
    {
        var owner = await server.OrganizationAsync(ownerName);
        var created = await server.AppAsync(owner.Id, new AppDraft
        {
            Name = name,
            RedirectUris = [Callback],
            Scopes = ["posts:read", "posts:write"],
            ActorModes = [ActorMode.Self, ActorMode.App],
        });
        return (created.App, created.Secret!.Plaintext, owner);
    }

    /// <summary>A user (a member of <paramref name="target"/> unless told otherwise) consents: real tokens, through the token endpoint.</summary>
    public static async Task<Installed> InstallAsync(this LatchkeyTestServer server, string appName = "Acme Sync", string? ownerName = null,
        Organization? target = null, User? user = null, IReadOnlyList<string>? scopes = null)
    {
        var (app, secret, owner) = await server.OwnedAppAsync(appName, ownerName);
        target ??= await server.OrganizationAsync();
        user ??= await server.UserAsync($"{Guid.NewGuid():N}@example.com", PortalBrowser.Password, target.Id);
        return await server.InstallAsync(app, secret, owner, target, user, scopes);
    }

    /// <summary>Installs an existing app for <paramref name="user"/> in <paramref name="target"/> and redeems the code.</summary>
    public static async Task<Installed> InstallAsync(this LatchkeyTestServer server, App app, string secret, Organization owner,
        Organization target, User user, IReadOnlyList<string>? scopes = null)
    {
        var (installation, code) = await server.CodeAsync(app, target.Id, user.Id, Callback, scopes ?? ["posts:read"]);
        var (status, body, _) = await server.CreateClient().ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", Callback)], (app.ClientId, secret)));
        Assert.Equal(HttpStatusCode.OK, status);
        return new Installed(server, app, secret, owner, target, user, installation.Id,
            body.GetProperty("access_token").GetString()!, body.GetProperty("refresh_token").GetString()!);
    }

    /// <summary>The app acting as its own bot in its owner organization (RFC 6749 §4.4): an <c>app</c> installation nobody consented to.</summary>
    public static async Task<Guid> ClientCredentialsInstallAsync(this LatchkeyTestServer server, App app, string secret)
    {
        var (status, _, _) = await server.CreateClient().ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "client_credentials")], (app.ClientId, secret)));
        Assert.Equal(HttpStatusCode.OK, status);
        return await server.WithDbAsync(db => db.Installations
            .Where(i => i.AppId == app.Id && i.ActorMode == ActorMode.App && i.RevokedAt == null).Select(i => i.Id).SingleAsync());
    }

    public static Task<Installation> InstallationAsync(this LatchkeyTestServer server, Guid id) =>
        server.WithDbAsync(db => db.Installations.AsNoTracking().SingleAsync(i => i.Id == id));

    /// <summary>Uninstalled: the installation is revoked, neither token is active any more, and the token
    /// endpoint refuses the refresh token with <c>invalid_grant</c>.</summary>
    public static async Task AssertUninstalledAsync(this Installed installed)
    {
        var server = installed.Server;
        Assert.NotNull((await server.InstallationAsync(installed.InstallationId)).RevokedAt);
        Assert.False(await server.IsActiveAsync(installed.AccessToken), "the access token should no longer be active");
        Assert.False(await server.IsActiveAsync(installed.RefreshToken), "the refresh token should no longer be active");
        var (status, body, _) = await installed.RefreshAsync();
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    /// <summary>Nothing changed: the installation is live and both its tokens are active.</summary>
    public static async Task AssertStillInstalledAsync(this Installed installed)
    {
        var server = installed.Server;
        Assert.Null((await server.InstallationAsync(installed.InstallationId)).RevokedAt);
        Assert.True(await server.IsActiveAsync(installed.AccessToken), "the access token should still be active");
        Assert.True(await server.IsActiveAsync(installed.RefreshToken), "the refresh token should still be active");
    }

    public static Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> RefreshAsync(this Installed installed) =>
        installed.Server.CreateClient().ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "refresh_token"), new("refresh_token", installed.RefreshToken)], (installed.App.ClientId, installed.Secret)));

    private static async Task<bool> IsActiveAsync(this LatchkeyTestServer server, string token) =>
        (await server.WithScopeAsync(s => s.GetRequiredService<TokenStore>().FindAsync(token, TokenPrefixes.Default, default)))
            ?.IsActiveAt(DateTimeOffset.UtcNow) == true;

    /// <summary>A browser signed in as <paramref name="user"/>, whose password is <see cref="PortalBrowser.Password"/>.</summary>
    public static async Task<PortalBrowser> BrowserForAsync(this LatchkeyTestServer server, User user)
    {
        var browser = new PortalBrowser(server.CreateCookieClient());
        using var response = await browser.SignInAsync(user.Email!, PortalBrowser.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return browser;
    }

    /// <summary>A new user with <paramref name="role"/> in <paramref name="organization"/>, signed in.</summary>
    public static Task<PortalBrowser> MemberBrowserAsync(this LatchkeyTestServer server, Organization organization, OrganizationRole role) =>
        PortalBrowser.SignedInAsync(server, organization.Id, role);
}
