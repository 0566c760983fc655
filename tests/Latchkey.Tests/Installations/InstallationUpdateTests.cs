using System.Net;
using Latchkey.Tests.Infrastructure;
using Latchkey.Webhooks;
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

    /// <summary>
    /// The grant is the scopes and the app's webhook events: a client_credentials request after the app subscribed to
    /// another event updates the bot's installation, though its scopes are the same (it is not only read).
    /// </summary>
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task ClientCredentials_AfterTheAppsWebhookEventsChange_UpdatesTheInstallationsEvents(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);
        var client = await server.ClientAsync();
        var installationId = await server.ClientCredentialsInstallAsync(client.App, client.Secret!);
        await server.AppTokenAsync(client);
        var before = await server.InstallationAsync(installationId);

        await server.WithDbAsync(db => db.Apps.Where(a => a.Id == client.App.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.WebhookEvents, new List<string> { WebhookEventTypes.TokenRevoked })));
        await server.AppTokenAsync(client);
        var after = await server.InstallationAsync(installationId);

        Assert.Equal(before.GrantedScopes, after.GrantedScopes);
        Assert.DoesNotContain(WebhookEventTypes.TokenRevoked, before.GrantedWebhookEvents);
        Assert.Equal([WebhookEventTypes.TokenRevoked], after.GrantedWebhookEvents);
    }
}
