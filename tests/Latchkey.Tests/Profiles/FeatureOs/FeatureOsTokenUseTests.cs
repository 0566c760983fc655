using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.Profiles.FeatureOs;

/// <summary>
/// Using FeatureOS tokens (FACTS.md "FeatureOS", "Using tokens"; seed 004 "Lifetimes"): session_info for each actor,
/// FeatureOS's 401 and 403 bodies, expiry then refresh, rotation, and one live token per target organization.
/// </summary>
public sealed class FeatureOsTokenUseTests(FeatureOsServer fixture) : IClassFixture<FeatureOsServer>
{
    private LatchkeyTestServer Server => fixture.Server;

    [Fact]
    public async Task SessionInfo_ActorApp_IsTheAppsBotIdentity_InTheTargetOrganization()
    {
        var developer = await Server.SignedInAsync(OrganizationRole.Admin);
        var app = await developer.RegisterAppAsync();
        var admin = await Server.SignedInAsync(OrganizationRole.Admin, await Server.OrganizationAsync("Feedback " + Guid.NewGuid().ToString("N")[..6]));
        var (access, _) = await Server.TokensAsync(app.ClientId, app.ClientSecret, await admin.ApproveAsync(app.ClientId, "app"));

        using var response = await Server.SessionInfoAsync(access);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var info = await response.JsonAsync();
        Assert.Equal("app", info.GetProperty("actor").GetString());
        var user = info.GetProperty("user");
        Assert.Equal("app:" + app.ClientId, user.GetProperty("id").GetString());
        Assert.Equal("My Integration", user.GetProperty("name").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, user.GetProperty("email").ValueKind);
        Assert.Equal(admin.Organization.Id, info.GetProperty("organization").GetProperty("id").GetGuid());
        Assert.Equal(admin.Organization.Name.ToLowerInvariant().Replace(' ', '-'), info.GetProperty("organization").GetProperty("subdomain").GetString());
    }

    /// <summary>FACTS.md's 403 body, byte for byte; session_info needs posts:read (FeatureOS, "Using Access Tokens").</summary>
    [Fact]
    public async Task SessionInfo_TokenWithoutPostsRead_Is403_WithFeatureOsBodyExactly()
    {
        var developer = await Server.SignedInAsync(OrganizationRole.Admin);
        var app = await developer.RegisterAppAsync("""["posts:write", "comments:read"]""");
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);
        var (access, _) = await Server.TokensAsync(app.ClientId, app.ClientSecret,
            await admin.ApproveAsync(app.ClientId, "self", "posts:write comments:read"));

        using var response = await Server.SessionInfoAsync(access);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("""{"message":"Missing required OAuth scope: posts:read","status":403,"success":false}""",
            await response.Content.ReadAsStringAsync(FeatureOsKit.Ct));
        Assert.Equal("Bearer realm=\"latchkey\", error=\"insufficient_scope\", scope=\"posts:read\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("no Authorization header", null, HttpStatusCode.Unauthorized)]
    [InlineData("a token never issued", "Bearer foot_0000000000000000000000000000000000000000000000", HttpStatusCode.Unauthorized)]
    [InlineData("the refresh token", "Bearer {refresh}", HttpStatusCode.Unauthorized)]
    [InlineData("an API key header instead", null, HttpStatusCode.Unauthorized)]
    [InlineData("another scheme", "Basic {access}", HttpStatusCode.Unauthorized)]
    [InlineData("two tokens", "Bearer {access} {access}", HttpStatusCode.BadRequest)]
    public async Task SessionInfo_WithoutAUsableAccessToken_AnswersFeatureOsError(string because, string? authorization, HttpStatusCode status)
    {
        var developer = await Server.SignedInAsync(OrganizationRole.Admin);
        var app = await developer.RegisterAppAsync();
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);
        var (access, refresh) = await Server.TokensAsync(app.ClientId, app.ClientSecret, await admin.ApproveAsync(app.ClientId, "self"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v3/session_info");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization.Replace("{access}", access, StringComparison.Ordinal)
                .Replace("{refresh}", refresh, StringComparison.Ordinal));
        }
        if (because.Contains("API key", StringComparison.Ordinal))
        {
            request.Headers.Add("API-KEY", access);
        }

        using var response = await Server.CreateClient().SendAsync(request, FeatureOsKit.Ct);

        await response.AssertFeatureOsErrorAsync(status);
        Assert.StartsWith("Bearer realm=\"latchkey\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionInfo_TokenInTheQueryString_IsRefused()
    {
        var developer = await Server.SignedInAsync(OrganizationRole.Admin);
        var app = await developer.RegisterAppAsync();
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);
        var (access, _) = await Server.TokensAsync(app.ClientId, app.ClientSecret, await admin.ApproveAsync(app.ClientId, "self"));

        using var response = await Server.CreateClient().GetAsync($"/api/v3/session_info?access_token={access}", FeatureOsKit.Ct);

        await response.AssertFeatureOsErrorAsync(HttpStatusCode.BadRequest);
    }

    /// <summary>FACTS.md: "expired → 401, then refresh"; seed 004: access tokens live 24 hours, refresh tokens until the install is revoked.</summary>
    [Fact]
    public async Task ExpiredAccessToken_Is401_ThenTheRefreshTokenGetsAWorkingOne()
    {
        var developer = await Server.SignedInAsync(OrganizationRole.Admin);
        var app = await developer.RegisterAppAsync();
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);
        var (access, refresh) = await Server.TokensAsync(app.ClientId, app.ClientSecret, await admin.ApproveAsync(app.ClientId, "self"));

        fixture.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        using (var stillValid = await Server.SessionInfoAsync(access))
        {
            Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        }
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        using (var expired = await Server.SessionInfoAsync(access))
        {
            Assert.Contains("expired", await expired.AssertFeatureOsErrorAsync(HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        }
        fixture.Clock.Advance(TimeSpan.FromDays(400));
        var (status, body, response) = await Server.RefreshAsync(app.ClientId, app.ClientSecret, refresh);
        response.Dispose();
        Assert.Equal(HttpStatusCode.OK, status);
        using var renewed = await Server.SessionInfoAsync(body.GetProperty("access_token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
    }

    /// <summary>RFC 9700 §4.14.2, DESIGN.md rule 3: a rotated refresh token presented again revokes what replaced it.</summary>
    [Fact]
    public async Task Refresh_Rotates_AndReusingTheOldRefreshTokenRevokesTheNewPair()
    {
        var developer = await Server.SignedInAsync(OrganizationRole.Admin);
        var app = await developer.RegisterAppAsync();
        var admin = await Server.SignedInAsync(OrganizationRole.Admin);
        var (_, refresh) = await Server.TokensAsync(app.ClientId, app.ClientSecret, await admin.ApproveAsync(app.ClientId, "self"));
        var (_, rotated, first) = await Server.RefreshAsync(app.ClientId, app.ClientSecret, refresh);
        first.Dispose();

        var (status, body, second) = await Server.RefreshAsync(app.ClientId, app.ClientSecret, refresh);
        second.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        using var revoked = await Server.SessionInfoAsync(rotated.GetProperty("access_token").GetString()!);
        await revoked.AssertFeatureOsErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, (await Server.StateAsync(app.ClientId)).LiveTokens);
    }

    /// <summary>Seed 004, "Lifetimes": an app holds one live token per target organization — a new consent there replaces it, other organizations keep theirs.</summary>
    [Fact]
    public async Task OneLiveTokenPerTargetOrganization()
    {
        var developer = await Server.SignedInAsync(OrganizationRole.Admin);
        var app = await developer.RegisterAppAsync();
        var target = await Server.OrganizationAsync();
        var firstAdmin = await Server.SignedInAsync(OrganizationRole.Admin, target);
        var secondAdmin = await Server.SignedInAsync(OrganizationRole.Owner, target);
        var elsewhere = await Server.SignedInAsync(OrganizationRole.Admin);

        var (first, _) = await Server.TokensAsync(app.ClientId, app.ClientSecret, await firstAdmin.ApproveAsync(app.ClientId, "app"));
        var (other, _) = await Server.TokensAsync(app.ClientId, app.ClientSecret, await elsewhere.ApproveAsync(app.ClientId, "app"));
        var (second, _) = await Server.TokensAsync(app.ClientId, app.ClientSecret, await secondAdmin.ApproveAsync(app.ClientId, "app"));

        using (var replaced = await Server.SessionInfoAsync(first))
        {
            await replaced.AssertFeatureOsErrorAsync(HttpStatusCode.Unauthorized);
        }
        foreach (var live in new[] { second, other })
        {
            using var response = await Server.SessionInfoAsync(live);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // Two installations (one per target organization), each with one live access and one live refresh token.
        var state = await Server.StateAsync(app.ClientId);
        Assert.Equal((2, 4), (state.LiveInstallations, state.LiveTokens));
    }

    [Fact]
    public async Task ActorSelf_ByAMember_IsCappedToReadScopes_AndActsAsTheMember()
    {
        var developer = await Server.SignedInAsync(OrganizationRole.Admin);
        var app = await developer.RegisterAppAsync();
        var member = await Server.SignedInAsync(OrganizationRole.Member);

        var (status, body, response) = await Server.ExchangeCodeAsync(app.ClientId, app.ClientSecret, await member.ApproveAsync(app.ClientId, "self"));
        response.Dispose();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("posts:read", body.GetProperty("scope").GetString());
        using var session = await Server.SessionInfoAsync(body.GetProperty("access_token").GetString()!);
        var info = await session.JsonAsync();
        Assert.Equal("self", info.GetProperty("actor").GetString());
        Assert.Equal(member.UserId.ToString(), info.GetProperty("user").GetProperty("id").GetString());
        Assert.Equal(member.Email, info.GetProperty("user").GetProperty("email").GetString());
    }
}
