using System.CommandLine;

namespace Latchkey.Cli;

public static class MigrateCommand
{
    public static Command Create(CommonOptions common, CliConsole console)
    {
        var migrate = new Command("migrate", "Create or upgrade the database schema, then exit.");
        migrate.SetAction((parsed, ct) => CliServices.RunAsync(parsed.GetValue(common.Database), _ =>
        {
            console.Print(parsed.GetValue(common.Json), new { Migrated = true }, "The database schema is up to date.");
            return Task.FromResult(0);
        }, ct));
        return migrate;
    }
}
