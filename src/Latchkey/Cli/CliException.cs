namespace Latchkey.Cli;

/// <summary>Wrong input on the command line: one line on stderr, exit code 2, nothing written (DESIGN.md "Operator interface").</summary>
public sealed class CliException(string message) : Exception(message)
{
    public const int ExitCode = 2;
}
