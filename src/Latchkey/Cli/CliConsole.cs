using System.Text.Json;

namespace Latchkey.Cli;

/// <summary>Where a command writes. Tests pass string writers; the executable passes the process's streams.</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    public static CliConsole System => new(Console.Out, Console.Error);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary><c>--json</c>: exactly one JSON object on stdout. Otherwise the lines a person reads.</summary>
    public void Print(bool json, object result, params string[] lines)
    {
        if (json)
        {
            Out.WriteLine(JsonSerializer.Serialize(result, Json));
            return;
        }
        foreach (var line in lines)
        {
            Out.WriteLine(line);
        }
    }
}
