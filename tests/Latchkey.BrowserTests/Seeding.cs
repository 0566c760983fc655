using Latchkey.Accounts;
using Latchkey.Apps;
using Latchkey.Organizations;
using Latchkey.Storage;

namespace Latchkey.BrowserTests;

/// <summary>Someone who signs in through the browser, with <see cref="Seeding.Password"/>.</summary>
public sealed record Person(string Email, Guid Id);

/// <summary>An app as its developer holds it: the registration and the secret shown once.</summary>
public sealed record RegisteredApp(App App, string Secret)
{
    public string ClientId => App.ClientId;
}

/// <summary>
/// Arranges data through the services the CLI and the portal use, so what a test starts from is real. Names get
/// a short random suffix: tests of a class share one server, and each arranges its own people and apps.
/// </summary>
public static class Seeding
{
    public const string Password = "correct-horse-1";

    /// <summary>The app most tests use: both actors, and one write scope among read scopes.</summary>
    public static AppDraft RoadmapSync(string redirectUri) => new()
    {
        Name = "Roadmap Sync",
        Description = "Copies your roadmap into a spreadsheet.",
        RedirectUris = [redirectUri],
        Scopes = ["posts:read", "posts:write", "comments:read"],
        ActorModes = [ActorMode.Self, ActorMode.App],
    };

    public static Task<Organization> OrganizationAsync(this LiveServer server, string name) =>
        server.WithScopeAsync(async services =>
        {
            var created = await services.GetRequiredService<OrganizationDirectory>().CreateAsync($"{name} {Suffix()}", default);
            return created.Value ?? throw new InvalidOperationException(created.Summary);
        });

    public static Task<Person> PersonAsync(this LiveServer server, Guid organizationId, OrganizationRole role) =>
        server.WithScopeAsync(async services =>
        {
            var created = await services.GetRequiredService<AccountDirectory>()
                .CreateAsync($"person-{Suffix()}@example.com", Password, (organizationId, role), default);
            var user = created.Value ?? throw new InvalidOperationException(created.Summary);
            return new Person(user.Email!, user.Id);
        });

    public static Task JoinAsync(this LiveServer server, Person person, Guid organizationId, OrganizationRole role) =>
        server.WithScopeAsync(services =>
        {
            var db = services.GetRequiredService<LatchkeyDbContext>();
            db.Memberships.Add(new Membership { OrganizationId = organizationId, UserId = person.Id, Role = role });
            return db.SaveChangesAsync();
        });

    public static Task<RegisteredApp> AppAsync(this LiveServer server, Guid ownerOrganizationId, AppDraft draft) =>
        server.WithScopeAsync(async services =>
        {
            var created = await services.GetRequiredService<AppRegistry>().CreateAsync(ownerOrganizationId, draft, default);
            var app = created.Value ?? throw new InvalidOperationException(created.Summary);
            return new RegisteredApp(app.App, app.Secret!.Plaintext);
        });

    private static string Suffix() => Guid.NewGuid().ToString("N")[..8];
}
