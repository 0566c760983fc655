namespace Latchkey.Bench.Seeder;

/// <summary>The seeder's <c>--name value</c> options.</summary>
internal sealed record SeedArguments(string Database, string OutDirectory, int Count, string? File, string? Auth)
{
    public static bool TryParse(string[] args, out SeedArguments options)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i]] = args[i + 1];
        }
        options = new SeedArguments(
            values.GetValueOrDefault("--database", ""),
            values.GetValueOrDefault("--out", "."),
            int.TryParse(values.GetValueOrDefault("--count"), out var count) ? count : 0,
            values.GetValueOrDefault("--file"),
            values.GetValueOrDefault("--auth"));
        return args.Length % 2 == 0 && options.Database.Length > 0;
    }

    public string AppsFile => Path.Combine(OutDirectory, "apps.tsv");
}
