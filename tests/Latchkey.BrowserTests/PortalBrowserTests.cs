using Latchkey.Accounts;
using Latchkey.Organizations;
using Latchkey.Tokens;

namespace Latchkey.BrowserTests;

/// <summary>The developer portal in a real Chromium: sign in, register an app, see its secret once.</summary>
[Collection(SharedBrowser.Name)]
public sealed class PortalBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private LiveServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await LiveServer.StartAsync();
        await _server.WithScopeAsync(async services =>
        {
            var org = (await services.GetRequiredService<OrganizationDirectory>().CreateAsync("Acme", default)).Value!;
            return await services.GetRequiredService<AccountDirectory>()
                .CreateAsync("owner@acme.example", "correct-horse-1", (org.Id, OrganizationRole.Owner), default);
        });
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SignIn_RegisterAnApp_SecretShownOnceThenNeverAgain()
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/portal");
        Assert.Contains("/account/login", page.Url, StringComparison.Ordinal);
        await page.Locator("#Email").FillAsync("owner@acme.example");
        await page.Locator("#Password").FillAsync("correct-horse-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync("**/portal");

        await page.GotoAsync("/portal/apps/new");
        await page.Locator("#Form_Name").FillAsync("Browser <b>App</b>");
        await page.Locator("#Form_RedirectUris").FillAsync("https://client.example/callback");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create app" }).ClickAsync();

        var secret = (await page.Locator("#client-secret").TextContentAsync())?.Trim();
        Assert.True(TokenCodec.IsWellFormed(secret, TokenPrefixes.Default.ClientSecret), $"no secret shown: {secret}");
        Assert.Equal(0, await page.Locator("b", new() { HasText = "App" }).CountAsync());

        await page.GotoAsync("/portal");
        // The name shows as the text the developer typed, never as markup.
        Assert.True(await page.GetByText("Browser <b>App</b>").CountAsync() > 0);
        Assert.Equal(0, await page.Locator("b", new() { HasText = "App" }).CountAsync());
        Assert.DoesNotContain(secret!, await page.ContentAsync(), StringComparison.Ordinal);
    }
}
