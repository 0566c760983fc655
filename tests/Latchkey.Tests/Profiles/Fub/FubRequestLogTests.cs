using System.Text;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Portal;
using Latchkey.Tests.Protocol;
using static Latchkey.Tests.Profiles.Fub.FubKit;

namespace Latchkey.Tests.Profiles.Fub;

/// <summary>
/// FUB's legacy token request carries codes and refresh tokens in its query string (seed 001), and an
/// authorize redirect carries a code in its Location. None of it may reach a log (DESIGN.md rule 4), even
/// with every category at Trace and configuration asking for ASP.NET Core's request log by name.
/// </summary>
public sealed partial class FubRequestLogTests
{
    [Fact]
    public async Task WholeFubFlow_AtTrace_LeavesNoCodeTokenOrSecretInAnyLog()
    {
        var recorder = new RecordingLoggerProvider();
        await using var server = await StartAsync(new ManualClock(), settings: CredentialLogKit.LogEverything,
            services: s => s.AddSingleton<ILoggerProvider>(recorder));
        using var http = server.CreateClient();
        List<string> secrets = [PortalBrowser.Password];

        // Seed 000, then seed 001 steps 1 to 5.
        var app = await server.CreateAppAsync();
        secrets.AddRange([app.ClientSecret, app.SystemKey, BasicValue(app)]);
        var user = await server.UserAsync();
        var code = await CodeAsync(user, app);
        var (access, refresh) = (await http.ExchangeCodeAsync(app, code)).Tokens();
        using var session = await http.SessionAsync(access);
        var (refreshedAccess, refreshedRefresh) = (await http.RefreshAsync(app, refresh)).Tokens();
        secrets.AddRange([code, access, refresh, refreshedAccess, refreshedRefresh]);

        // Refusals that echo nothing back to a log either: a secret in the query, a replayed code and refresh token.
        (await http.TokenGetAsync(null, ("grant_type", "refresh_token"), ("refresh_token", refreshedRefresh), ("client_id", app.ClientId),
            ("client_secret", app.ClientSecret))).AssertLegacyError(HttpStatusCode.BadRequest, "invalid_request");
        (await http.ExchangeCodeAsync(app, code)).AssertLegacyError(HttpStatusCode.BadRequest, "invalid_grant");
        (await http.RefreshAsync(app, refresh)).AssertLegacyError(HttpStatusCode.BadRequest, "invalid_grant");

        // prompt=login: signed in again, consent remembered, so the code comes in a GET redirect's Location.
        using var toSignIn = await user.Browser.GetAsync(AuthorizeUrl(app, ("prompt", "login")));
        using var signedIn = await user.Browser.SignInAsync(user.Email, PortalBrowser.Password, toSignIn.AssertSignInRedirect());
        using var redirected = await user.Browser.FollowAsync(signedIn);
        var secondCode = redirected.ResponseParameters()["code"];
        var (status, rfc, _) = await http.ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "authorization_code"), new("code", secondCode), new("redirect_uri", RedirectUri)], app.Basic));
        Assert.Equal(HttpStatusCode.OK, status);
        var rfcAccess = rfc.GetProperty("access_token").GetString()!;
        secrets.AddRange([secondCode, rfcAccess, rfc.GetProperty("refresh_token").GetString()!]);

        // The disconnect.
        Assert.Equal(HttpStatusCode.OK, (await http.RevokeAccessAsync(rfcAccess, app.System.Name, app.SystemKey)).Status);

        Assert.Contains(recorder.Records, r => r.Text.Contains("/v1/oauthApps/revokeAccess", StringComparison.Ordinal));
        CredentialLogKit.AssertNoSecretLogged(recorder, "/oauth/token", secrets);
    }

    /// <summary>The recorder and the configuration above do record what is logged: the guard, not a deaf sink, keeps the secrets out.</summary>
    [Fact]
    public async Task Recorder_SeesWhatIsLogged_AtEveryLevel()
    {
        var recorder = new RecordingLoggerProvider();
        await using var server = await StartAsync(new ManualClock(), settings: CredentialLogKit.LogEverything,
            services: s => s.AddSingleton<ILoggerProvider>(recorder));

        var probe = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Probe");
        Probe(probe, "lkc_visible");

        Assert.Contains(recorder.Records, r => r.Level == LogLevel.Trace && r.Text.Contains("lkc_visible", StringComparison.Ordinal));
    }

    [LoggerMessage(Level = LogLevel.Trace, Message = "probe {Value}")]
    private static partial void Probe(ILogger logger, string value);

    private static string BasicValue(FubApp app) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{app.ClientId}:{app.ClientSecret}"));
}
