using System.CommandLine;
using Latchkey.Apps;
using Latchkey.Profiles;

namespace Latchkey.Cli;

public static class AppCommands
{
    public static Command Create(CommonOptions common, CliConsole console)
    {
        var org = common.Org();
        var name = new Option<string>("--name") { Description = "The app's name, shown on the consent screen.", Required = true };
        var redirectUris = new Option<string[]>("--redirect-uri") { Description = "An exact redirect URI; repeat for more.", Required = true };
        var scopes = new Option<string[]>("--scope") { Description = "A scope the app may request; repeat for more. Default: the whole catalogue." };
        var actorModes = new Option<string[]>("--actor-mode") { Description = "self or app; repeat for both. Default: self." };
        var isPublic = new Option<bool>("--public") { Description = "A public client: no secret, PKCE required." };
        var profile = new Option<string?>("--profile") { Description = $"Wire profile ({ProfileNames.WireList}). Default: the deployment's." };
        var create = new Command("create", "Register an app; prints its client id and secret once.")
        {
            org, name, redirectUris, scopes, actorModes, isPublic, profile,
        };
        create.SetAction((parsed, ct) => CliServices.RunAsync(parsed.GetValue(common.Database), async services =>
        {
            ProfileName? chosen = null;
            if (parsed.GetValue(profile) is { } profileText)
            {
                chosen = ProfileNames.TryParse(profileText, out var p)
                    ? p
                    : throw new CliException($"'{profileText}' is not a profile; use one of {ProfileNames.WireList}.");
            }
            var organization = await OrgCommands.ResolveAsync(services, parsed.GetValue(org)!, ct);
            var draft = new AppDraft
            {
                Name = parsed.GetValue(name)!,
                RedirectUris = parsed.GetValue(redirectUris) ?? [],
                Scopes = NullIfEmpty(parsed.GetValue(scopes)),
                ActorModes = NullIfEmpty(parsed.GetValue(actorModes)),
                IsPublic = parsed.GetValue(isPublic),
                Profile = chosen,
            };
            var created = await services.GetRequiredService<AppRegistry>().CreateAsync(organization.Id, draft, ct);
            var (app, secret, webhookSecret) = created.Value ?? throw new CliException(created.Summary);
            console.Print(parsed.GetValue(common.Json),
                new
                {
                    app.Id,
                    app.ClientId,
                    ClientSecret = secret?.Plaintext,
                    WebhookSecret = webhookSecret.Plaintext,
                    app.Name,
                    Org = organization.Name,
                    Profile = app.Profile.ToWire(),
                    app.RedirectUris,
                    Scopes = app.AllowedScopes,
                    ActorModes = app.AllowedActorModes,
                    app.IsPublic,
                },
                [
                    $"Created app '{app.Name}' in '{organization.Name}' ({app.Profile.ToWire()} profile).",
                    $"client_id:     {app.ClientId}",
                    secret is null ? "client_secret: none (public client: use PKCE)" : $"client_secret: {secret.Plaintext}",
                    $"webhook_secret: {webhookSecret.Plaintext}",
                    "Secrets are shown only now; store them safely.",
                ]);
            return 0;
        }, ct));
        return new Command("app", "Manage apps.") { create };
    }

    private static string[]? NullIfEmpty(string[]? values) => values is { Length: > 0 } ? values : null;
}
