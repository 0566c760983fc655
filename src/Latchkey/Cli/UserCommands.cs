using System.CommandLine;
using Latchkey.Accounts;
using Latchkey.Organizations;

namespace Latchkey.Cli;

public static class UserCommands
{
    public static Command Create(CommonOptions common, CliConsole console)
    {
        var email = new Option<string>("--email") { Description = "Sign-in email address.", Required = true };
        var password = new Option<string>("--password") { Description = "At least 10 characters with a digit and a lower-case letter.", Required = true };
        var org = new Option<string?>("--org") { Description = "Add the user to this organization (name or id)." };
        var role = new Option<string>("--role") { Description = "Role in --org.", DefaultValueFactory = _ => "member" };
        role.AcceptOnlyFromAmong("owner", "admin", "member");
        var create = new Command("create", "Create a user, optionally as a member of an organization.") { email, password, org, role };
        create.SetAction((parsed, ct) => CliServices.RunAsync(parsed.GetValue(common.Database), async services =>
        {
            (Guid, OrganizationRole)? membership = null;
            Organization? organization = null;
            if (parsed.GetValue(org) is { } orgName)
            {
                organization = await OrgCommands.ResolveAsync(services, orgName, ct);
                membership = (organization.Id, Enum.Parse<OrganizationRole>(parsed.GetValue(role)!, ignoreCase: true));
            }
            else if (parsed.GetResult(role) is { Implicit: false })
            {
                throw new CliException("--role needs --org: a role is held in an organization.");
            }
            var created = await services.GetRequiredService<AccountDirectory>()
                .CreateAsync(parsed.GetValue(email)!, parsed.GetValue(password)!, membership, ct);
            var user = created.Value ?? throw new CliException(created.Summary);
            var roleText = membership is { } m ? m.Item2.ToString().ToLowerInvariant() : null;
            console.Print(parsed.GetValue(common.Json),
                new { user.Id, user.Email, Org = organization?.Name, Role = roleText },
                organization is null
                    ? $"Created user {user.Email} ({user.Id})."
                    : $"Created user {user.Email} ({user.Id}), {roleText} of '{organization.Name}'.");
            return 0;
        }, ct));
        return new Command("user", "Manage users.") { create };
    }
}
