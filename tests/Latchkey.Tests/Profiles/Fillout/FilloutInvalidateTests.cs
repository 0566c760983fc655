using System.Net.Http.Headers;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Protocol;
using Microsoft.EntityFrameworkCore;
using static Latchkey.Tests.Profiles.Fillout.FilloutKit;

namespace Latchkey.Tests.Profiles.Fillout;

/// <summary>
/// <c>DELETE /public/oauth/invalidate</c> (seed 002, "Invalidate access token"): the Bearer token stops working with
/// everything issued with it, and nothing else changes; a missing or dead token is an RFC 6750 §3 401.
/// </summary>
public sealed class FilloutInvalidateTests(FilloutServer shared) : IClassFixture<FilloutServer>
{
    private LatchkeyTestServer Server => shared.Server;

    /// <summary>A Fillout app, a person who approved it, and the token they got.</summary>
    private async Task<(FilloutApp App, Person Person, string Token)> TokenAsync(FilloutApp? app = null)
    {
        app ??= await Server.FilloutAppAsync();
        var person = await Server.PersonAsync();
        using var http = Server.CreateClient();
        var (token, _) = await http.RedeemAsync(app, await person.ApproveAsync(app));
        return (app, person, token);
    }

    /// <summary>An app of <paramref name="profile"/> and a user, for the token seeding helpers of <see cref="SeedTokens"/>.</summary>
    private async Task<TestClient> ClientAsync(Latchkey.Profiles.ProfileName profile)
    {
        var app = await Server.FilloutAppAsync(profile);
        var org = await Server.OrganizationAsync();
        var user = await Server.UserAsync($"{Guid.NewGuid():N}@example.com", "correct-horse-1", org.Id);
        return new TestClient(app.App, app.Secret, org.Id, user.Id);
    }

    private async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response)> InvalidateAsync(HttpRequestMessage request)
    {
        using var http = Server.CreateClient();
        return await http.ExchangeAsync(request);
    }

    private static void AssertChallenge(HttpStatusCode status, string error, string challenge,
        (HttpStatusCode Status, System.Text.Json.JsonElement Body, HttpResponseMessage Response) result)
    {
        AssertError(status, error, result);
        Assert.StartsWith(challenge, result.Response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalidate_EndsTheToken_AndASecondInvalidationIs401()
    {
        var (_, _, token) = await TokenAsync();

        Assert.Equal(HttpStatusCode.OK, (await InvalidateAsync(InvalidateRequest(token))).Status);

        Assert.False(await Server.IsLiveAsync(token));
        AssertChallenge(HttpStatusCode.Unauthorized, "invalid_token", "Bearer realm=\"latchkey\", error=\"invalid_token\"",
            await InvalidateAsync(InvalidateRequest(token)));
    }

    [Fact]
    public async Task Invalidate_LeavesTheInstallation_SoTheSameUserReconnectsWithoutConsentAgain()
    {
        var (app, person, token) = await TokenAsync();

        await InvalidateAsync(InvalidateRequest(token));

        Assert.Null(await Server.WithDbAsync(db => db.Installations.Where(i => i.AppId == app.App.Id).Select(i => i.RevokedAt).SingleAsync()));
        using var again = await person.Browser.GetAsync(AuthorizeUrl(app.ClientId));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        using var http = Server.CreateClient();
        var (fresh, _) = await http.RedeemAsync(app, again.ResponseParameters()["code"]);
        using var session = await http.SessionAsync(fresh);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
    }

    [Fact]
    public async Task Invalidate_LeavesOtherInstallationsTokensAlone()
    {
        var (app, _, token) = await TokenAsync();
        var (_, _, other) = await TokenAsync(app);

        await InvalidateAsync(InvalidateRequest(token));

        Assert.True(await Server.IsLiveAsync(other));
    }

    [Fact]
    public async Task Invalidate_AStandardAppsAccessToken_EndsItsRefreshTokenToo()
    {
        var client = await ClientAsync(Latchkey.Profiles.ProfileName.Standard);
        var (access, refresh) = await Server.SelfTokensAsync(client);

        Assert.Equal(HttpStatusCode.OK, (await InvalidateAsync(InvalidateRequest(access))).Status);

        Assert.False(await Server.IsLiveAsync(access));
        Assert.False(await Server.IsLiveAsync(refresh));
    }

    [Fact]
    public async Task Invalidate_WithoutAToken_Is401WithTheBareChallenge()
    {
        var result = await InvalidateAsync(InvalidateRequest(null));

        AssertChallenge(HttpStatusCode.Unauthorized, "invalid_token", "Bearer realm=\"latchkey\"", result);
        Assert.DoesNotContain("error=", result.Response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalidate_WithBasicCredentials_Is401()
    {
        var (app, _, _) = await TokenAsync();
        var request = InvalidateRequest(null);
        request.Headers.Authorization = OAuthClient.BasicHeader(app.ClientId, app.Secret);

        AssertChallenge(HttpStatusCode.Unauthorized, "invalid_token", "Bearer realm=\"latchkey\"", await InvalidateAsync(request));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("lkat_0000000000000000000000000000000000000000000000")]
    public async Task Invalidate_WithAnUnknownToken_Is401InvalidToken(string token)
    {
        AssertChallenge(HttpStatusCode.Unauthorized, "invalid_token", "Bearer realm=\"latchkey\", error=\"invalid_token\"",
            await InvalidateAsync(InvalidateRequest(token)));
    }

    [Fact]
    public async Task Invalidate_WithARefreshToken_Is401_AndRevokesNothing()
    {
        var client = await ClientAsync(Latchkey.Profiles.ProfileName.Standard);
        var (access, refresh) = await Server.SelfTokensAsync(client);

        AssertChallenge(HttpStatusCode.Unauthorized, "invalid_token", "Bearer realm=\"latchkey\", error=\"invalid_token\"",
            await InvalidateAsync(InvalidateRequest(refresh)));

        Assert.True(await Server.IsLiveAsync(access));
        Assert.True(await Server.IsLiveAsync(refresh));
    }

    [Fact]
    public async Task Invalidate_WithTheTokenInTheQuery_Is400_AndRevokesNothing()
    {
        var (_, _, token) = await TokenAsync();
        var request = new HttpRequestMessage(HttpMethod.Delete, InvalidatePath + "?access_token=" + token);

        AssertChallenge(HttpStatusCode.BadRequest, "invalid_request", "Bearer realm=\"latchkey\", error=\"invalid_request\"", await InvalidateAsync(request));
        Assert.True(await Server.IsLiveAsync(token));
    }

    [Fact]
    public async Task Invalidate_WithAMalformedHeader_Is400_AndRevokesNothing()
    {
        var (_, _, token) = await TokenAsync();
        var request = InvalidateRequest(null);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token} {token}");

        AssertChallenge(HttpStatusCode.BadRequest, "invalid_request", "Bearer realm=\"latchkey\", error=\"invalid_request\"", await InvalidateAsync(request));
        Assert.True(await Server.IsLiveAsync(token));
    }

    [Fact]
    public async Task Invalidate_AnExpiredToken_Is401()
    {
        var client = await ClientAsync(Latchkey.Profiles.ProfileName.Fillout);

        AssertChallenge(HttpStatusCode.Unauthorized, "invalid_token", "Bearer realm=\"latchkey\", error=\"invalid_token\"",
            await InvalidateAsync(InvalidateRequest(await Server.ExpiredAccessTokenAsync(client))));
    }
}
