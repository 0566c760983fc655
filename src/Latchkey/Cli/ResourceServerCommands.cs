using System.CommandLine;
using Latchkey.ResourceServers;

namespace Latchkey.Cli;

public static class ResourceServerCommands
{
    public static Command Create(CommonOptions common, CliConsole console)
    {
        var name = new Option<string>("--name") { Description = "A unique name for the API or gateway that will check tokens.", Required = true };
        var create = new Command("create", "Register a resource server (introspection credentials); prints its secret once.") { name };
        create.SetAction((parsed, ct) => CliServices.RunAsync(parsed.GetValue(common.Database), async services =>
        {
            var created = await services.GetRequiredService<ResourceServerCredentials>().CreateAsync(parsed.GetValue(name)!, ct);
            if (!created.IsValid)
            {
                throw new CliException(created.Summary);
            }
            var (server, secret) = created.Value;
            console.Print(parsed.GetValue(common.Json),
                new { server.Name, server.ClientId, ClientSecret = secret },
                $"Resource server '{server.Name}' registered.",
                $"Client id:     {server.ClientId}",
                $"Client secret: {secret}",
                "Authenticate to POST /oauth/introspect with HTTP Basic (client id : client secret).",
                "The secret is shown only now; store it safely.");
            return 0;
        }, ct));
        return new Command("resource-server", "Manage resource servers (APIs that introspect tokens).") { create };
    }
}
