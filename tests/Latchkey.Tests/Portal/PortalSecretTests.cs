using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Portal;

/// <summary>Client secrets in the portal (DESIGN.md rule 4): shown once, in a response nobody caches, never again;
/// rotation keeps the old one working for the overlap; a rotated-out one can be revoked early.</summary>
public sealed class PortalSecretTests
{
    [Fact]
    public async Task Create_ShowsTheSecretOnce_NotCached_AndNeverAgain()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;

        using var response = await browser.SubmitAsync("/portal/apps/new", PortalApps.NewAppFields(org.Id, "Shown Once"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var html = await response.HtmlAsync();
        Assert.Contains("This secret is shown only now", html, StringComparison.Ordinal);
        var clientId = PortalBrowser.TextOf(html, "client-id")!;
        var secret = PortalBrowser.TextOf(html, "client-secret")!;
        Assert.StartsWith("lksec_", secret, StringComparison.Ordinal);
        Assert.True(await VerifiesAsync(server, clientId, secret));

        var list = await browser.GetPageAsync("/portal");
        var details = await browser.GetPageAsync(PortalApps.DetailsUrl(clientId));
        Assert.Contains("Shown Once", list, StringComparison.Ordinal);
        Assert.Contains(clientId, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, details, StringComparison.Ordinal);
        Assert.Contains("…" + secret[^4..], details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_ShowsANewSecretOnce_AndBothVerifyDuringTheOverlap()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id);
        var url = PortalApps.DetailsUrl(created.App.ClientId);

        using var response = await browser.SubmitAsync(url, [], url + "?handler=Rotate");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var html = await response.HtmlAsync();
        Assert.Contains("This secret is shown only now", html, StringComparison.Ordinal);
        var rotated = PortalBrowser.TextOf(html, "client-secret")!;
        var old = created.Secret!.Plaintext;
        Assert.NotEqual(old, rotated);
        Assert.True(await VerifiesAsync(server, created.App.ClientId, rotated));
        Assert.True(await VerifiesAsync(server, created.App.ClientId, old));

        var details = await browser.GetPageAsync(url);
        Assert.DoesNotContain(rotated, details, StringComparison.Ordinal);
        Assert.Contains("…" + rotated[^4..], details, StringComparison.Ordinal);
        Assert.Contains("…" + old[^4..], details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_RotatedOutSecret_StopsItEarly()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id);
        var url = PortalApps.DetailsUrl(created.App.ClientId);
        using var rotation = await browser.SubmitAsync(url, [], url + "?handler=Rotate");
        var rotated = PortalBrowser.TextOf(await rotation.HtmlAsync(), "client-secret")!;

        using var response = await browser.SubmitAsync(url, [new("secretId", created.Secret!.Row.Id.ToString())], url + "?handler=Revoke");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(await VerifiesAsync(server, created.App.ClientId, created.Secret.Plaintext));
        Assert.True(await VerifiesAsync(server, created.App.ClientId, rotated));
        Assert.Contains($"The secret ending in {created.Secret.Plaintext[^4..]} no longer works.", await browser.GetPageAsync(url), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_CurrentSecret_IsRefused()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id);
        var url = PortalApps.DetailsUrl(created.App.ClientId);

        using var response = await browser.SubmitAsync(url, [new("secretId", created.Secret!.Row.Id.ToString())], url + "?handler=Revoke");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("rotate the secret first", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.True(await VerifiesAsync(server, created.App.ClientId, created.Secret.Plaintext));
    }

    [Fact]
    public async Task Rotate_WithoutAntiforgeryToken_Is400AndIssuesNothing()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id);
        var url = PortalApps.DetailsUrl(created.App.ClientId);

        using var response = await browser.PostAsync(url + "?handler=Rotate", []);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single((await server.FindAsync(created.App.ClientId))!.Secrets);
    }

    [Fact]
    public async Task Rotate_PublicClient_IsRefused()
    {
        var (server, org, browser) = await PortalApps.StartAsync();
        await using var _ = server;
        var created = await server.AppAsync(org.Id, new AppDraft { Name = "Spa", RedirectUris = [PortalApps.RedirectUri], IsPublic = true });
        var url = PortalApps.DetailsUrl(created.App.ClientId);

        using var response = await browser.SubmitAsync(url, [], url + "?handler=Rotate");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("A public client has no secret", await response.HtmlAsync(), StringComparison.Ordinal);
        Assert.Empty((await server.FindAsync(created.App.ClientId))!.Secrets);
    }

    private static async Task<bool> VerifiesAsync(LatchkeyTestServer server, string clientId, string secret) =>
        ClientSecrets.Verify((await server.FindAsync(clientId))!, secret, DateTimeOffset.UtcNow);
}
