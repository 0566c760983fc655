using System.CommandLine;
using Latchkey.Organizations;

namespace Latchkey.Cli;

public static class OrgCommands
{
    public static Command Create(CommonOptions common, CliConsole console)
    {
        var name = new Option<string>("--name") { Description = "Unique name of the organization.", Required = true };
        var create = new Command("create", "Create an organization.") { name };
        create.SetAction((parsed, ct) => CliServices.RunAsync(parsed.GetValue(common.Database), async services =>
        {
            var created = await services.GetRequiredService<OrganizationDirectory>().CreateAsync(parsed.GetValue(name)!, ct);
            var org = created.Value ?? throw new CliException(created.Summary);
            console.Print(parsed.GetValue(common.Json), new { org.Id, org.Name }, $"Created organization '{org.Name}' ({org.Id}).");
            return 0;
        }, ct));
        return new Command("org", "Manage organizations.") { create };
    }

    /// <summary>The organization an <c>--org</c> value names, or the one clear line that it names none.</summary>
    public static async Task<Organization> ResolveAsync(IServiceProvider services, string nameOrId, CancellationToken ct) =>
        await services.GetRequiredService<OrganizationDirectory>().FindAsync(nameOrId, ct)
        ?? throw new CliException($"No organization named or numbered '{nameOrId}'. Create it with: latchkey org create --name \"{nameOrId}\"");
}
