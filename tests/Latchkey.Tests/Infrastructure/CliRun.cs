using Latchkey.Cli;

namespace Latchkey.Tests.Infrastructure;

/// <summary>The <c>latchkey</c> command line, run in-process with captured output.</summary>
public static class CliRun
{
    public sealed record Outcome(int ExitCode, string Out, string Error);

    public static async Task<Outcome> RunAsync(string connectionString, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await LatchkeyCommandLine.RunAsync([.. args, "--database", connectionString], new CliConsole(output, error));
        return new Outcome(exit, output.ToString(), error.ToString());
    }
}
