using System.CommandLine;
using Microsoft.Extensions.Options;

namespace Latchkey.Cli;

/// <summary>The <c>latchkey</c> executable: DESIGN.md "Operator interface", command for command.</summary>
public static class LatchkeyCommandLine
{
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken ct = default)
    {
        var common = new CommonOptions();
        var root = new RootCommand("Latchkey: an OAuth 2 authorization server for a SaaS API's third-party apps.")
        {
            ServeCommand.Create(common, console),
            MigrateCommand.Create(common, console),
            OrgCommands.Create(common, console),
            UserCommands.Create(common, console),
            SystemCommands.Create(common, console),
            KeyCommands.Create(common, console),
            ResourceServerCommands.Create(common, console),
            AppCommands.Create(common, console),
        };
        root.Options.Add(common.Database);
        root.Options.Add(common.Json);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await console.Error.WriteLineAsync(string.Join(" ", parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" "))) + " (see --help)");
            return CliException.ExitCode;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false }, ct);
        }
        catch (CliException e)
        {
            await console.Error.WriteLineAsync(e.Message);
            return CliException.ExitCode;
        }
        catch (OptionsValidationException e)
        {
            // Configuration the server refuses to run with (LatchkeyOptionsValidator): wrong input like any other.
            await console.Error.WriteLineAsync(string.Join(" ", e.Failures));
            return CliException.ExitCode;
        }
    }
}
