using System.Collections.Concurrent;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.BrowserTests;

/// <summary>What a person does on Latchkey's pages, and how a test reads where the browser ended up.</summary>
public static class BrowserSteps
{
    /// <summary>Signs in on the sign-in page the browser is on, or is being sent to.</summary>
    public static Task SignInAsync(this IPage page, Person person) => page.SignInAsync(person.Email, Seeding.Password);

    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");
        await page.Locator("#Email").FillAsync(email);
        await page.Locator("#Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Picks <paramref name="organization"/> on the consent screen (when given) and approves.</summary>
    public static async Task ApproveAsync(this IPage page, string? organization = null)
    {
        if (organization is not null)
        {
            await page.GetByLabel(organization).CheckAsync();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
    }

    public static Task DenyAsync(this IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Deny" }).ClickAsync();

    /// <summary>
    /// The paths of the pages the browser shows from now on, in order. Redirects the browser follows on its
    /// way are not pages: a remembered authorization goes from the request to the client without showing one.
    /// </summary>
    public static ConcurrentQueue<string> RecordPagesShown(this IPage page)
    {
        var shown = new ConcurrentQueue<string>();
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == page.MainFrame)
            {
                shown.Enqueue(new Uri(frame.Url).AbsolutePath);
            }
        };
        return shown;
    }

    /// <summary>Waits until the browser is at <paramref name="redirectUri"/> and returns the response parameters in its query.</summary>
    public static async Task<Dictionary<string, string>> ResponseAtAsync(this IPage page, string redirectUri)
    {
        await page.WaitForURLAsync(url => url.StartsWith(redirectUri + "?", StringComparison.Ordinal));
        return Parameters(page.Url);
    }

    /// <summary>The decoded query parameters of <paramref name="url"/>.</summary>
    public static Dictionary<string, string> Parameters(string url) =>
        QueryHelpers.ParseQuery(new Uri(url).Query).ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
}
