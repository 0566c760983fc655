using System.Security.Cryptography;
using System.Text;
using Latchkey.Apps;
using Latchkey.Configuration;
using Latchkey.Hosting;
using Latchkey.Installations;
using Latchkey.Organizations;
using Latchkey.Profiles;
using Latchkey.Protocol;
using Latchkey.Storage;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Latchkey.Bench.Seeder;

/// <summary>
/// Apps, and pools of single-use credentials for the scenarios, made by Latchkey's own services. Each pool item gets
/// its own installation (the app as its own bot in a tenant organization of the bench), because an installation holds
/// one live token set (DESIGN.md "Tokens"): a second set minted for it would revoke the first.
/// </summary>
internal static class Pools
{
    /// <summary>The redirect URI every bench app registers and every code is issued for.</summary>
    public const string RedirectUri = "http://127.0.0.1:8400/callback";

    /// <summary>Items per transaction: one commit (one fsync) per batch instead of per item.</summary>
    private const int Batch = 1024;

    public static async Task<int> AppsAsync(SeedArguments options)
    {
        using var host = BuildHost(options.Database);
        await using var scope = host.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await DatabaseMigrator.MigrateAsync(services.GetRequiredService<LatchkeyDbContext>());
        var org = (await services.GetRequiredService<OrganizationDirectory>().CreateAsync("Bench", default)).Value!;
        var lines = new List<string>();
        for (var i = 0; i < options.Count; i++)
        {
            var created = await services.GetRequiredService<AppRegistry>().CreateAsync(org.Id, new AppDraft
            {
                Name = $"Bench app {i}",
                RedirectUris = [RedirectUri],
                ActorModes = [ActorMode.Self, ActorMode.App],
            }, default);
            var (app, secret, _) = created.Value ?? throw new InvalidOperationException(created.Summary);
            lines.Add($"{app.ClientId}\t{secret!.Plaintext}");
        }
        await File.WriteAllLinesAsync(options.AppsFile, lines);
        return lines.Count;
    }

    public static async Task<int> MintAsync(string pool, SeedArguments options)
    {
        using var host = BuildHost(options.Database);
        var credentials = (await File.ReadAllLinesAsync(options.AppsFile)).Select(line => line.Split('\t')).ToList();
        var clientIds = credentials.Select(c => c[0]).ToList();
        List<App> apps;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>();
            var byClientId = await db.Apps.AsNoTracking().Where(a => clientIds.Contains(a.ClientId)).ToDictionaryAsync(a => a.ClientId);
            apps = [.. clientIds.Select(id => byClientId[id])];
        }
        var basics = credentials.Select(c => "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes($"{c[0]}:{c[1]}"))).ToList();
        // A run seeds each pool once; the suffix keeps tenant names unique across pools and runs on one database.
        var tenantPrefix = $"Bench {pool} {Guid.NewGuid():N}"[..24];
        await using var output = new StreamWriter(options.File!);
        var batchSize = Batch / apps.Count * apps.Count;
        for (var start = 0; start < options.Count; start += batchSize)
        {
            await using var scope = host.Services.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var db = services.GetRequiredService<LatchkeyDbContext>();
            var organizations = services.GetRequiredService<OrganizationDirectory>();
            var installations = services.GetRequiredService<InstallationStore>();
            var tokens = services.GetRequiredService<TokenStore>();
            var policies = services.GetRequiredService<ProfilePolicies>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            Organization? tenant = null;
            for (var i = start; i < Math.Min(start + batchSize, options.Count); i++)
            {
                var app = apps[i % apps.Count];
                if (i % apps.Count == 0 || tenant is null)
                {
                    tenant = (await organizations.CreateAsync($"{tenantPrefix} {i / apps.Count}", default)).Value!;
                }
                var installation = await installations.InstallAsync(app, tenant.Id, ActorMode.App, null, app.AllowedScopes, null, grantedWebhookEvents: null, default);
                var policy = policies.For(app.Profile);
                var body = pool switch
                {
                    "refresh" => $"grant_type=refresh_token&refresh_token={(await IssueAsync(tokens, installation, policy, withRefreshToken: true)).RefreshToken}",
                    "codes" => await CodeAsync(tokens, installation, policy),
                    _ => $"token={(await IssueAsync(tokens, installation, policy, withRefreshToken: false)).AccessToken}",
                };
                await output.WriteLineAsync($"{(pool == "access" ? options.Auth : basics[i % apps.Count])}\t{body}");
                // Saved already; a growing change tracker would make every SaveChanges slower than the last.
                db.ChangeTracker.Clear();
            }
            await transaction.CommitAsync();
        }
        return options.Count;
    }

    private static async Task<TokenSet> IssueAsync(TokenStore tokens, Installation installation, ProfilePolicy policy, bool withRefreshToken) =>
        await tokens.IssueTokenSetAsync(installation.Id, installation.AppId, installation.GrantedScopes, Guid.CreateVersion7(),
            policy.Prefixes, policy.Lifetimes, withRefreshToken, default)
        ?? throw new InvalidOperationException("The installation was revoked while seeding.");

    /// <summary>
    /// A code as consent leaves it, with an S256 challenge (RFC 7636 §4.2). It lives an hour instead of the profile's
    /// five minutes, so that a whole run can redeem codes seeded before it; redeeming costs the same either way.
    /// </summary>
    private static async Task<string> CodeAsync(TokenStore tokens, Installation installation, ProfilePolicy policy)
    {
        var verifier = Pkce.Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Pkce.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var code = await tokens.IssueCodeAsync(installation, RedirectUri, installation.GrantedScopes, challenge,
            policy.Prefixes, TimeSpan.FromHours(1), default);
        return $"grant_type=authorization_code&code={code}&redirect_uri={Uri.EscapeDataString(RedirectUri)}&code_verifier={verifier}";
    }

    /// <summary>The services a <c>latchkey</c> CLI command has (Cli/CliServices.cs), plus the protocol's stores.</summary>
    private static IHost BuildHost(string database)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Configuration[$"{LatchkeyOptions.Section}:{nameof(LatchkeyOptions.Database)}"] = database;
        builder.Services.AddLatchkeyCore(builder.Configuration);
        builder.Services.AddLatchkeyProtocol();
        return builder.Build();
    }
}
