using System.CommandLine;
using Latchkey.Management;

namespace Latchkey.Cli;

public static class KeyCommands
{
    public static Command Create(CommonOptions common, CliConsole console)
    {
        var org = common.Org();
        var create = new Command("create", "Create a management API key for an organization; prints it once.") { org };
        create.SetAction((parsed, ct) => CliServices.RunAsync(parsed.GetValue(common.Database), async services =>
        {
            var organization = await OrgCommands.ResolveAsync(services, parsed.GetValue(org)!, ct);
            var key = await services.GetRequiredService<ManagementCredentials>().CreateKeyAsync(organization.Id, ct);
            console.Print(parsed.GetValue(common.Json),
                new { Key = key, Org = organization.Name },
                $"Management API key for '{organization.Name}': {key}",
                "Send it as 'Authorization: Bearer <key>'. It is shown only now; store it safely.");
            return 0;
        }, ct));
        return new Command("key", "Manage management API keys.") { create };
    }
}
