using System.Text.Json;

namespace Latchkey.Tests.Infrastructure;

/// <summary>Real POSTs to /oauth/token released together, for the tests of the token rules under parallel requests.</summary>
public static class TokenRace
{
    /// <summary>Sends the token requests as <paramref name="client"/> (HTTP Basic), all released at once with <paramref name="alongside"/>.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)[]> RaceAsync(LatchkeyTestServer server, (string Id, string Secret) client,
        IReadOnlyList<(string Key, string Value)[]> requests, Func<Task>? alongside = null)
    {
        using var http = server.CreateClient();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = requests.Select(fields => Task.Run(async () =>
        {
            using var request = OAuthClient.Form("/oauth/token", fields.Select(f => KeyValuePair.Create(f.Key, f.Value)), client);
            await start.Task;
            var (status, body, response) = await http.ExchangeAsync(request);
            response.Dispose();
            return (status, body);
        })).ToArray();
        var other = Task.Run(async () =>
        {
            await start.Task;
            await (alongside?.Invoke() ?? Task.CompletedTask);
        });
        start.SetResult();
        await other;
        return await Task.WhenAll(sent);
    }
}
