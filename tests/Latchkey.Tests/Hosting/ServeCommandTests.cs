using System.Text.RegularExpressions;
using Latchkey.Hosting;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Hosting;

/// <summary>The README's run command, <c>latchkey serve --demo</c>, as a real process on a real port.</summary>
public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task ServeDemo_OnAnEmptySqliteFile_ServesAndPrintsTheDemo_AndIsIdempotent()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);

        string firstClientId;
        await using (var first = await LatchkeyProcess.ServeAsync(database.ConnectionString, "--demo"))
        {
            await first.WaitForOutputAsync("redirect_uri:");
            using var http = new HttpClient { BaseAddress = first.BaseAddress };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
            Assert.Contains(DemoSeed.Email, first.Output, StringComparison.Ordinal);
            Assert.Matches(SecretLine(), first.Output);
            firstClientId = ClientIdLine().Match(first.Output).Groups[1].Value;
        }

        await using var second = await LatchkeyProcess.ServeAsync(database.ConnectionString, "--demo");
        await second.WaitForOutputAsync("redirect_uri:");
        Assert.Equal(firstClientId, ClientIdLine().Match(second.Output).Groups[1].Value);
        Assert.DoesNotMatch(SecretLine(), second.Output);
    }

    [GeneratedRegex(@"client_id:\s+(lkapp_\w+)")]
    private static partial Regex ClientIdLine();

    [GeneratedRegex(@"client_secret:\s+lksec_\w+")]
    private static partial Regex SecretLine();
}
