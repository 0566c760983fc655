using System.CommandLine;

namespace Latchkey.Cli;

/// <summary>Options shared by every command.</summary>
public sealed class CommonOptions
{
    public Option<string?> Database { get; } = new("--database")
    {
        Description = "ADO.NET connection string: 'Data Source=…' for SQLite (default latchkey.db), 'Host=…' for PostgreSQL.",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON object on stdout.",
        Recursive = true,
    };

    public Option<string> Org() => new("--org")
    {
        Description = "The organization, by name or id.",
        Required = true,
    };
}
