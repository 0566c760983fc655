using System.Net;
using Latchkey.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Installations;

/// <summary>
/// An installation is written when its grant changes, not each time it is confirmed: <c>updated_at</c> is when the grant
/// last changed, and a client_credentials request for the scopes it already holds commits only its new token set.
/// </summary>
public sealed class InstallationUpdateTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ClientCredentials_ForTheSameScopes_LeavesTheInstallation_AndANewScopeUpdatesIt(DatabaseKind kind)
    {
        var clock = new ManualClock();
        await using var server = await LatchkeyTestServer.StartAsync(kind, services: s => s.AddSingleton<TimeProvider>(clock));
        var client = await server.ClientAsync();
        var installationId = await server.ClientCredentialsInstallAsync(client.App, client.Secret!);
        var first = await server.InstallationAsync(installationId);

        clock.Advance(TimeSpan.FromMinutes(5));
        await server.AppTokenAsync(client);
        var confirmed = await server.InstallationAsync(installationId);

        clock.Advance(TimeSpan.FromMinutes(5));
        var (status, _, _) = await server.CreateClient().ExchangeAsync(OAuthClient.Form("/oauth/token",
            [new("grant_type", "client_credentials"), new("scope", "posts:read")], client.Basic));
        var narrowed = await server.InstallationAsync(installationId);

        Assert.Equal(first.CreatedAt, first.UpdatedAt);
        Assert.Equal(first.UpdatedAt, confirmed.UpdatedAt);
        Assert.Equal(first.GrantedScopes, confirmed.GrantedScopes);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["posts:read"], narrowed.GrantedScopes);
        Assert.Equal(clock.GetUtcNow(), narrowed.UpdatedAt);
        // Each request still issued its own set, and only the last one is live.
        Assert.Equal(1, await server.WithDbAsync(db => db.Tokens.CountAsync(t => t.InstallationId == installationId && t.RevokedAt == null)));
        Assert.Equal(3, await server.WithDbAsync(db => db.Tokens.CountAsync(t => t.InstallationId == installationId)));
    }
}
