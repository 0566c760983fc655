using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Portal;

/// <summary>Arrangements and reads shared by the portal's app tests.</summary>
public static class PortalApps
{
    public const string RedirectUri = "https://client.example/callback";

    /// <summary>A server, an organization, and a browser signed in as a user with <paramref name="role"/> there.</summary>
    public static async Task<(LatchkeyTestServer Server, Organization Org, PortalBrowser Browser)> StartAsync(OrganizationRole role = OrganizationRole.Owner)
    {
        var server = await LatchkeyTestServer.StartAsync();
        var org = await server.OrganizationAsync();
        return (server, org, await PortalBrowser.SignedInAsync(server, org.Id, role));
    }

    /// <summary>The fields of a valid new-app form; <paramref name="extra"/> adds or repeats fields.</summary>
    public static List<KeyValuePair<string, string>> NewAppFields(Guid organizationId, string name, params KeyValuePair<string, string>[] extra) =>
    [
        new("OrganizationId", organizationId.ToString()),
        new("Form.Name", name),
        new("Form.Description", "Syncs posts."),
        new("Form.RedirectUris", RedirectUri + "\r\nhttp://127.0.0.1/callback"),
        new("Form.Scopes", "posts:read"),
        new("Form.Scopes", "posts:write"),
        new("Form.ActorModes", ActorMode.Self),
        new("Form.WebhookUrl", "https://client.example/hooks"),
        new("Form.WebhookEvents", "app.installed,\napp.uninstalled"),
        new("Form.Profile", "standard"),
        .. extra,
    ];

    /// <summary>The fields of the edit form, as the details page would post them for these values.</summary>
    public static List<KeyValuePair<string, string>> EditFields(string name, string redirectUris) =>
    [
        new("Form.Name", name),
        new("Form.RedirectUris", redirectUris),
        new("Form.Scopes", "posts:read"),
        new("Form.ActorModes", ActorMode.Self),
        new("Form.ActorModes", ActorMode.App),
    ];

    public static Task<App?> FindAsync(this LatchkeyTestServer server, string clientId) =>
        server.WithDbAsync(db => db.Apps.AsNoTracking().Include(a => a.Secrets).SingleOrDefaultAsync(a => a.ClientId == clientId));

    public static Task<int> AppCountAsync(this LatchkeyTestServer server) => server.WithDbAsync(db => db.Apps.CountAsync());

    public static string DetailsUrl(string clientId) => "/portal/apps/" + clientId;
}
