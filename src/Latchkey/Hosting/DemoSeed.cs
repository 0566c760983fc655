using Latchkey.Accounts;
using Latchkey.Apps;
using Latchkey.Cli;
using Latchkey.Organizations;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Hosting;

/// <summary><c>serve --demo</c>: an organization, a user and an app to try the flow with, created once.</summary>
public static class DemoSeed
{
    public const string OrganizationName = "Demo Org";
    public const string Email = "demo@example.com";
    public const string Password = "latchkey-demo-1";
    public const string AppName = "Demo App";
    public const string RedirectUri = "http://127.0.0.1:8400/callback";

    public static async Task RunAsync(WebApplication web, CliConsole console, CancellationToken ct)
    {
        await using var scope = web.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;

        var org = await services.GetRequiredService<OrganizationDirectory>().FindAsync(OrganizationName, ct)
            ?? (await services.GetRequiredService<OrganizationDirectory>().CreateAsync(OrganizationName, ct)).Value!;
        if (await services.GetRequiredService<UserManager<User>>().FindByEmailAsync(Email) is null)
        {
            var created = await services.GetRequiredService<AccountDirectory>()
                .CreateAsync(Email, Password, (org.Id, OrganizationRole.Owner), ct);
            if (!created.IsValid)
            {
                throw new InvalidOperationException(created.Summary);
            }
        }
        var registry = services.GetRequiredService<AppRegistry>();
        var app = (await registry.ListAsync(org.Id, ct)).FirstOrDefault(a => a.Name == AppName);
        string secretLine;
        if (app is null)
        {
            var created = await registry.CreateAsync(org.Id, new AppDraft
            {
                Name = AppName,
                Description = "An app to try Latchkey with.",
                RedirectUris = [RedirectUri],
                ActorModes = [ActorMode.Self, ActorMode.App],
            }, ct);
            app = created.Value!.App;
            secretLine = $"  client_secret: {created.Value.Secret!.Plaintext}   (shown once; rotate it in the portal to see a new one)";
        }
        else
        {
            secretLine = "  client_secret: shown when the demo app was first created; rotate it in the portal for a new one";
        }

        var baseUrl = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? "http://localhost:5000";
        // A link to open in a browser, asking for every scope the app allows (whatever the profile's catalogue). No PKCE:
        // the demo app is confidential, so its secret redeems the code (DESIGN.md rule 2); a printed link keeps no verifier.
        var authorize = QueryHelpers.AddQueryString($"{baseUrl}/oauth/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = app.ClientId,
            ["redirect_uri"] = RedirectUri,
            ["state"] = "demo",
        });
        console.Out.WriteLine($"""

            Latchkey demo is ready at {baseUrl}
              sign in:       {baseUrl}/account/login   as {Email} / {Password}
              portal:        {baseUrl}/portal
              client_id:     {app.ClientId}
            {secretLine}
              redirect_uri:  {RedirectUri}
              authorize:     {authorize}
            The demo password is public: never run --demo on a server others can reach.

            """);
    }
}
