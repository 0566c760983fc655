using Latchkey.Accounts;
using Latchkey.Apps;
using Latchkey.Management;
using Latchkey.Organizations;

namespace Latchkey.Tests.Infrastructure;

/// <summary>Arranges data through the same services the CLI uses, so a test's "given" is real, not hand-written rows.</summary>
public static class Seed
{
    public static Task<Organization> OrganizationAsync(this LatchkeyTestServer server, string? name = null) =>
        server.WithScopeAsync(async services =>
            (await services.GetRequiredService<OrganizationDirectory>().CreateAsync(name ?? "Org " + Guid.NewGuid().ToString("N")[..8], default)).Value!);

    public static Task<string> ManagementKeyAsync(this LatchkeyTestServer server, Guid organizationId) =>
        server.WithScopeAsync(services => services.GetRequiredService<ManagementCredentials>().CreateKeyAsync(organizationId, default));

    public static Task<(RegisteredSystem System, string Key)> SystemAsync(this LatchkeyTestServer server, Guid organizationId, string? name = null) =>
        server.WithScopeAsync(async services =>
            (await services.GetRequiredService<ManagementCredentials>().CreateSystemAsync(organizationId, name ?? "System " + Guid.NewGuid().ToString("N")[..8], default)).Value);

    public static Task<User> UserAsync(this LatchkeyTestServer server, string email, string password, Guid? organizationId = null, OrganizationRole role = OrganizationRole.Member) =>
        server.WithScopeAsync(async services =>
        {
            var created = await services.GetRequiredService<AccountDirectory>()
                .CreateAsync(email, password, organizationId is { } id ? (id, role) : null, default);
            return created.Value ?? throw new InvalidOperationException(created.Summary);
        });

    public static Task<CreatedApp> AppAsync(this LatchkeyTestServer server, Guid organizationId, AppDraft? draft = null) =>
        server.WithScopeAsync(async services =>
        {
            var created = await services.GetRequiredService<AppRegistry>().CreateAsync(organizationId,
                draft ?? new AppDraft { Name = "Test App", RedirectUris = ["https://client.example/callback"] }, default);
            return created.Value ?? throw new InvalidOperationException(created.Summary);
        });
}

/// <summary>Arranges OAuth state the authorization endpoint would create, for tests of the endpoints after it.</summary>
public static class SeedGrants
{
    /// <summary>An installation of <paramref name="app"/> and a fresh code for it, as consent would leave them.</summary>
    public static Task<(Latchkey.Installations.Installation Installation, string Code)> CodeAsync(this LatchkeyTestServer server, App app,
        Guid organizationId, Guid? userId, string? redirectUri = "https://client.example/callback", IReadOnlyList<string>? scopes = null,
        string? codeChallenge = null, string actorMode = ActorMode.Self, TimeSpan? lifetime = null) =>
        server.WithScopeAsync(async services =>
        {
            var installation = await services.GetRequiredService<Latchkey.Installations.InstallationStore>()
                .InstallAsync(app, organizationId, actorMode, userId, scopes ?? app.AllowedScopes, userId, null, default);
            var code = await services.GetRequiredService<Latchkey.Tokens.TokenStore>().IssueCodeAsync(installation, redirectUri,
                scopes ?? app.AllowedScopes, codeChallenge, Latchkey.Profiles.ProfileTokenPrefixes.For(app.Profile), lifetime ?? TimeSpan.FromMinutes(5), default);
            return (installation, code);
        });
}
