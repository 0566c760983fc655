using System.CommandLine;
using Latchkey.Configuration;
using Latchkey.Hosting;
using Latchkey.Profiles;

namespace Latchkey.Cli;

public static class ServeCommand
{
    public static Command Create(CommonOptions common, CliConsole console)
    {
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on, e.g. http://127.0.0.1:5000 (semicolon-separated)." };
        var issuer = new Option<string?>("--issuer") { Description = "Public base URL of this server, the OAuth issuer." };
        var profile = new Option<string?>("--profile") { Description = $"The deployment's default profile ({ProfileNames.WireList})." };
        var demo = new Option<bool>("--demo") { Description = "Create a demo organization, user and app if absent, and print how to try them." };
        var noMigrate = new Option<bool>("--no-migrate") { Description = "Do not apply database migrations at start." };
        var serve = new Command("serve", "Run the authorization server.") { urls, issuer, profile, demo, noMigrate };
        serve.SetAction(async (parsed, ct) =>
        {
            var settings = new Dictionary<string, string?>();
            void Set(string key, string? value)
            {
                if (value is not null)
                {
                    settings[$"{LatchkeyOptions.Section}:{key}"] = value;
                }
            }
            if (parsed.GetValue(profile) is { } profileText)
            {
                Set(nameof(LatchkeyOptions.Profile), ProfileNames.TryParse(profileText, out var p)
                    ? p.ToString()
                    : throw new CliException($"'{profileText}' is not a profile; use one of {ProfileNames.WireList}."));
            }
            Set(nameof(LatchkeyOptions.Database), parsed.GetValue(common.Database));
            Set(nameof(LatchkeyOptions.Issuer), parsed.GetValue(issuer));
            if (parsed.GetValue(noMigrate))
            {
                Set(nameof(LatchkeyOptions.MigrateOnStart), "false");
            }
            if (parsed.GetValue(urls) is { } listen)
            {
                settings["urls"] = listen;
            }

            var app = LatchkeyServer.Build(LatchkeyServer.CreateBuilder(settings));
            await app.PrepareDatabaseAsync(ct);
            await app.StartAsync(ct);
            if (parsed.GetValue(demo))
            {
                await DemoSeed.RunAsync(app, console, ct);
            }
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return serve;
    }
}
