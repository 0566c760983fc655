using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace Latchkey.BrowserTests;

/// <summary>
/// The README's first step, as a newcomer takes it: run the real executable with <c>serve --demo</c> in an empty
/// directory, open the authorize link it prints, sign in with the credentials it prints, approve, and get a code
/// at the demo app's redirect URI that the printed client secret redeems.
/// </summary>
[Collection(SharedBrowser.Name)]
public sealed partial class DemoBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task ServeDemo_InAnEmptyDirectory_PrintedLinkAndCredentials_LeadToARedeemableCode()
    {
        var directory = Directory.CreateTempSubdirectory("latchkey-demo-").FullName;
        try
        {
            await using var latchkey = await LatchkeyProcess.ServeInAsync(directory, "--demo");
            await latchkey.WaitForOutputAsync("authorize:");
            var printed = latchkey.Output;
            Assert.True(File.Exists(Path.Combine(directory, "latchkey.db")), "the default SQLite file is not in the working directory");
            var signIn = SignInLine().Match(printed);
            var redirectUri = Printed("redirect_uri", printed);
            Assert.Equal(new Uri(latchkey.BaseAddress, "/account/login").ToString(), signIn.Groups["url"].Value);

            // Nothing listens at the demo's redirect URI (port 8400 may be anyone's); the browser's request to it is
            // answered here, after it has left Latchkey, as the demo app's server would answer it.
            var arrived = new ConcurrentQueue<string>();
            await using var context = await browser.Browser.NewContextAsync();
            await context.RouteAsync(url => url.StartsWith(redirectUri + "?", StringComparison.Ordinal), async route =>
            {
                arrived.Enqueue(route.Request.Url);
                await route.FulfillAsync(new() { ContentType = "text/html", Body = CallbackListener.Page });
            });
            var page = await context.NewPageAsync();

            await page.GotoAsync(Printed("authorize", printed));
            await page.SignInAsync(signIn.Groups["email"].Value, signIn.Groups["password"].Value);
            await Expect(page.Locator("#app-name")).ToHaveTextAsync("Demo App");
            await page.ApproveAsync();

            var response = await page.ResponseAtAsync(redirectUri);
            Assert.Equal("demo", response["state"]);
            Assert.Equal(latchkey.BaseAddress.GetLeftPart(UriPartial.Authority), response["iss"]);
            Assert.Equal(page.Url, Assert.Single(arrived));

            using var client = new AppClient(latchkey.BaseAddress, Printed("client_id", printed), Printed("client_secret", printed));
            var tokens = await client.ExchangeAsync(response["code"], redirectUri, pkce: null);
            Assert.Equal(HttpStatusCode.OK, tokens.Status);
            var session = await client.SessionAsync(tokens.AccessToken);
            Assert.Equal(HttpStatusCode.OK, session.Status);
            Assert.Equal(signIn.Groups["email"].Value, session.Body.GetProperty("user").GetProperty("email").GetString());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The value after <c>name:</c> on its line of the demo's printout.</summary>
    private static string Printed(string name, string output)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(name)}:\s+(\S+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"no {name} in:\n{output}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"sign in:\s+(?<url>\S+)\s+as (?<email>\S+) / (?<password>\S+)")]
    private static partial Regex SignInLine();
}
