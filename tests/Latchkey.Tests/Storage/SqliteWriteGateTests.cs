using System.Net;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Storage;

/// <summary>
/// Requests cancelled in the middle of their write transactions (a client giving up, a load generator stopping) must not
/// keep SQLite's write gate: contexts are pooled, and one went back to the pool still holding it, so every later write
/// waited out the gate's 30 s timeout (README "Benchmarks").
/// </summary>
public sealed class SqliteWriteGateTests
{
    private const int Rounds = 20;
    private const int RequestsPerRound = 24;

    [Fact]
    public async Task WritesCancelledMidway_LeaveTheGateFree_ForTheNextWrite()
    {
        await using var server = await LatchkeyTestServer.StartAsync();
        var client = await server.ClientAsync();
        using var http = server.CreateClient();
        var random = new Random(7);

        for (var round = 0; round < Rounds; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, RequestsPerRound).Select(async _ =>
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(0, 15)));
                try
                {
                    await http.SendAsync(OAuthClient.Form("/oauth/token", [new("grant_type", "client_credentials")], client.Basic), cancel.Token);
                }
                catch (OperationCanceledException)
                {
                    // The point: some give up before, some during, some after their transaction.
                }
            }));
        }

        // Well under the gate's 30 s timeout: a write that had to wait it out failed here.
        using var patient = server.CreateClient();
        patient.Timeout = TimeSpan.FromSeconds(10);
        var (status, _, _) = await patient.ExchangeAsync(OAuthClient.Form("/oauth/token", [new("grant_type", "client_credentials")], client.Basic));
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
