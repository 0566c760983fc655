using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Latchkey.Tests.Protocol;
using static Latchkey.Tests.Profiles.Onboardbase.OnboardbaseKit;

namespace Latchkey.Tests.Profiles.Onboardbase;

/// <summary>
/// Seed 003's token request carries the client secret and the code in its query string, and its answer an API key
/// and a passphrase. None of it may reach a log (DESIGN.md rule 4), even with every category at Trace.
/// </summary>
public sealed class OnboardbaseRequestLogTests
{
    [Fact]
    public async Task TokenRequestInTheQuery_AtTrace_LeavesNoSecretCodeKeyOrPassphraseInAnyLog()
    {
        var recorder = new RecordingLoggerProvider();
        await using var server = await ProfileKit.StartAsync("onboardbase", new ManualClock(), settings: CredentialLogKit.LogEverything,
            services: s => s.AddSingleton<ILoggerProvider>(recorder));
        var app = await server.CreateAppOverApiAsync();
        var person = await server.PersonAsync();
        var code = await person.ApproveAsync(AuthorizationLink(app.ClientId));
        using var http = server.CreateClient();

        var (status, body, response) = await http.PostTokenAsync(TokenUrl(app, code));
        response.Dispose();

        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var data = body.GetProperty("data");
        CredentialLogKit.AssertNoSecretLogged(recorder, "/oauth/token",
            [PortalBrowser.Password, app.ClientSecret, code, data.GetProperty("api_key").GetString()!, data.GetProperty("passphrase").GetString()!]);
    }
}
