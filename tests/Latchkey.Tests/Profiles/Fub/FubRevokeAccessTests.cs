using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;
using static Latchkey.Tests.Profiles.Fub.FubKit;

namespace Latchkey.Tests.Profiles.Fub;

/// <summary>
/// <c>DELETE /v1/oauthApps/revokeAccess</c> (FACTS.md, UNVERIFIED): with one of the connection's access tokens as
/// Bearer and the app's Registered System headers, the app is disconnected: the installation is revoked and
/// every token of it ends. Anything else answers FUB's legacy error and disconnects nothing.
/// </summary>
public sealed class FubRevokeAccessTests(FubServer fub) : IClassFixture<FubServer>
{
    private LatchkeyTestServer Server => fub.Server;

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task RevokeAccess_WithTheConnectionsToken_Disconnects_AndEveryTokenEnds(DatabaseKind kind)
    {
        await using var server = await StartAsync(new ManualClock(), kind);
        var app = await server.CreateAppAsync();
        using var http = server.CreateClient();
        var (access, refresh) = (await http.ExchangeCodeAsync(app, await CodeAsync(await server.UserAsync(), app))).Tokens();

        var (status, body, _) = await http.RevokeAccessAsync(access, app.System.Name, app.SystemKey);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"success":true}""", body.GetRawText());
        using var session = await http.SessionAsync(access);
        Assert.Equal(HttpStatusCode.Unauthorized, session.StatusCode);
        (await http.RefreshAsync(app, refresh)).AssertLegacyError(HttpStatusCode.BadRequest, "invalid_grant");
        Assert.True(await server.WithDbAsync(db => db.Installations.AnyAsync(i => i.RevokedAt != null && db.Apps.Any(a => a.Id == i.AppId && a.ClientId == app.ClientId))));
    }

    [Fact]
    public async Task RevokeAccess_Again_Is401InvalidToken()
    {
        var app = await Server.CreateAppAsync();
        using var http = Server.CreateClient();
        var (access, _) = (await http.ExchangeCodeAsync(app, await CodeAsync(await Server.UserAsync(), app))).Tokens();
        Assert.Equal(HttpStatusCode.OK, (await http.RevokeAccessAsync(access, app.System.Name, app.SystemKey)).Status);

        var again = await http.RevokeAccessAsync(access, app.System.Name, app.SystemKey);

        again.AssertLegacyError(HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Contains("error=\"invalid_token\"", again.Response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, HttpStatusCode, string> Refusals => new()
    {
        { "no Bearer token", HttpStatusCode.Unauthorized, "invalid_request" },
        { "unknown access token", HttpStatusCode.Unauthorized, "invalid_token" },
        { "the refresh token as Bearer", HttpStatusCode.Unauthorized, "invalid_token" },
        { "another system's headers", HttpStatusCode.Unauthorized, "invalid_token" },
        { "the token in the query string", HttpStatusCode.BadRequest, "invalid_request" },
        { "no system headers", HttpStatusCode.Unauthorized, "invalid_system" },
        { "a wrong system key", HttpStatusCode.Unauthorized, "invalid_system" },
    };

    /// <summary>A refusal changes nothing, not even the installation's last use: another system's live token was
    /// presented, but the request was refused, so the connection was not used.</summary>
    [Theory, MemberData(nameof(Refusals))]
    public async Task RevokeAccess_Refused_AnswersLegacyError_AndTheConnectionStays(string @case, HttpStatusCode status, string errorCode)
    {
        var app = await Server.CreateAppAsync();
        using var http = Server.CreateClient();
        var (access, refresh) = (await http.ExchangeCodeAsync(app, await CodeAsync(await Server.UserAsync(), app))).Tokens();
        var other = await Server.CreateAppAsync();
        var lastUsedBefore = await LastUsedAsync(app);

        var refused = @case switch
        {
            "no Bearer token" => await http.RevokeAccessAsync(null, app.System.Name, app.SystemKey),
            "unknown access token" => await http.RevokeAccessAsync(TokenCodec.Mint(TokenPrefixes.Default.AccessToken), app.System.Name, app.SystemKey),
            "the refresh token as Bearer" => await http.RevokeAccessAsync(refresh, app.System.Name, app.SystemKey),
            "another system's headers" => await http.RevokeAccessAsync(access, other.System.Name, other.SystemKey),
            "the token in the query string" => await http.RevokeAccessAsync(null, app.System.Name, app.SystemKey, "?access_token=" + access),
            "no system headers" => await http.RevokeAccessAsync(access, null, null),
            "a wrong system key" => await http.RevokeAccessAsync(access, app.System.Name, other.SystemKey),
            _ => throw new ArgumentOutOfRangeException(nameof(@case), @case, null),
        };

        refused.AssertLegacyError(status, errorCode);
        Assert.True(await Server.IsLiveAsync(access));
        Assert.True(await Server.IsLiveAsync(refresh));
        Assert.Null(lastUsedBefore);
        Assert.Equal(lastUsedBefore, await LastUsedAsync(app));
    }

    private Task<DateTimeOffset?> LastUsedAsync(FubApp app) =>
        Server.WithDbAsync(db => db.Installations
            .Where(i => db.Apps.Any(a => a.Id == i.AppId && a.ClientId == app.ClientId))
            .Select(i => i.LastUsedAt).SingleAsync());
}
