using Latchkey.Tests.Infrastructure;
using static Latchkey.Tests.Profiles.Fub.FubKit;

namespace Latchkey.Tests.Profiles.Fub;

/// <summary>
/// FUB's token lifetimes (FACTS.md, "Token Lifetimes"): the code is single use and lives 15 minutes, the access
/// token 60 minutes, the refresh token until it goes 90 days unused. Crossed with the deployment's clock.
/// </summary>
public sealed class FubLifetimeTests(FubServer fub) : IClassFixture<FubServer>
{
    private LatchkeyTestServer Server => fub.Server;
    private ManualClock Clock => fub.Clock;

    [Fact]
    public async Task Code_Lives15Minutes()
    {
        var app = await Server.CreateAppAsync();
        var early = await CodeAsync(await Server.UserAsync(), app);
        var late = await CodeAsync(await Server.UserAsync(), app);
        using var http = Server.CreateClient();

        Clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        (await http.ExchangeCodeAsync(app, early)).Tokens();
        Clock.Advance(TimeSpan.FromSeconds(1));
        var expired = await http.ExchangeCodeAsync(app, late);

        expired.AssertLegacyError(HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Equal(2, await Server.TokenCountAsync(app));
    }

    [Fact]
    public async Task AccessToken_Lives60Minutes_AtTheSessionEndpoint()
    {
        var app = await Server.CreateAppAsync();
        using var http = Server.CreateClient();
        var (access, _) = (await http.ExchangeCodeAsync(app, await CodeAsync(await Server.UserAsync(), app))).Tokens();

        Clock.Advance(TimeSpan.FromMinutes(60) - TimeSpan.FromSeconds(1));
        using var stillLive = await http.SessionAsync(access);
        Clock.Advance(TimeSpan.FromSeconds(1));
        using var expired = await http.SessionAsync(access);

        Assert.Equal(HttpStatusCode.OK, stillLive.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains("error=\"invalid_token\"", expired.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshToken_LivesUntil90DaysUnused_AndEachRotationStartsAnother90()
    {
        var app = await Server.CreateAppAsync();
        using var http = Server.CreateClient();
        var (_, first) = (await http.ExchangeCodeAsync(app, await CodeAsync(await Server.UserAsync(), app))).Tokens();

        Clock.Advance(TimeSpan.FromDays(89));
        var (_, second) = (await http.RefreshAsync(app, first)).Tokens();
        // 178 days after the first exchange: alive, because it was issued 89 days ago.
        Clock.Advance(TimeSpan.FromDays(89));
        var (access, third) = (await http.RefreshAsync(app, second)).Tokens();
        Clock.Advance(TimeSpan.FromDays(90));
        var unused = await http.RefreshAsync(app, third);

        unused.AssertLegacyError(HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Equal(6, await Server.TokenCountAsync(app));
        using var session = await http.SessionAsync(access);
        Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
    }
}
