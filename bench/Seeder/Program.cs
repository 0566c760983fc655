using Latchkey.Bench.Seeder;

// bench/run.sh's seeding helper (issue 5). It writes rows through Latchkey's own services and stores
// (OrganizationDirectory, AppRegistry, InstallationStore, TokenStore), so what the scenarios redeem is minted,
// hashed and stored exactly as the server would; driving consent over HTTP for tens of thousands of codes would
// measure the seeding, not the server. Only the background rows of "million" are raw SQL (see MillionTokens).
//
//   seeder apps    --database CS --out DIR --count N           org "Bench" + N confidential apps → DIR/apps.tsv
//   seeder refresh --database CS --out DIR --count N --file F  N refresh tokens, one installation each
//   seeder codes   --database CS --out DIR --count N --file F  N authorization codes with S256 PKCE
//   seeder access  --database CS --out DIR --count N --file F --auth "Basic …"   N access tokens to introspect
//   seeder million --database CS --count N                     N live background tokens (access + refresh pairs)
//
// Each line of a pool file is "<Authorization header>\t<form body>", what bench/lua/*.lua send.
if (args.Length == 0 || !SeedArguments.TryParse(args[1..], out var options))
{
    await Console.Error.WriteLineAsync("usage: seeder apps|refresh|codes|access|million --database CS [--out DIR] [--count N] [--file F] [--auth A]");
    return 2;
}
var started = System.Diagnostics.Stopwatch.StartNew();
var count = args[0] switch
{
    "apps" => await Pools.AppsAsync(options),
    "refresh" or "codes" or "access" => await Pools.MintAsync(args[0], options),
    "million" => await MillionTokens.InsertAsync(options),
    _ => -1,
};
if (count < 0)
{
    await Console.Error.WriteLineAsync($"unknown command '{args[0]}'");
    return 2;
}
Console.WriteLine($"seeded {args[0]}: {count} in {started.Elapsed.TotalSeconds:F1} s");
return 0;
