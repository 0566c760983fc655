using System.CommandLine;
using Latchkey.Management;

namespace Latchkey.Cli;

public static class SystemCommands
{
    public static Command Create(CommonOptions common, CliConsole console)
    {
        var name = new Option<string>("--name") { Description = "The X-System name the integration will send.", Required = true };
        var org = common.Org();
        var create = new Command("create", "Register a system (Follow Up Boss X-System / X-System-Key); prints the key once.") { name, org };
        create.SetAction((parsed, ct) => CliServices.RunAsync(parsed.GetValue(common.Database), async services =>
        {
            var organization = await OrgCommands.ResolveAsync(services, parsed.GetValue(org)!, ct);
            var created = await services.GetRequiredService<ManagementCredentials>().CreateSystemAsync(organization.Id, parsed.GetValue(name)!, ct);
            if (!created.IsValid)
            {
                throw new CliException(created.Summary);
            }
            var (system, key) = created.Value;
            console.Print(parsed.GetValue(common.Json),
                new { system.Name, Key = key, Org = organization.Name },
                $"X-System: {system.Name}",
                $"X-System-Key: {key}",
                "The key is shown only now; store it safely.");
            return 0;
        }, ct));
        return new Command("system", "Manage registered systems.") { create };
    }
}
