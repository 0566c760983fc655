using Microsoft.AspNetCore.Identity;

namespace Latchkey.Tests.Infrastructure;

/// <summary>
/// The real <c>latchkey serve</c> process on a loopback port over a fresh test database, and an in-memory server
/// attached to the same database (<see cref="LatchkeyTestServer.AttachAsync"/>) so the usual seed helpers arrange
/// data and tests read tables. Clients talk to the process only, over real sockets.
/// </summary>
public sealed class LiveLatchkey : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly IReadOnlyDictionary<string, string> _environment;

    private LiveLatchkey(TestDatabase database, IReadOnlyDictionary<string, string> environment, LatchkeyProcess process, LatchkeyTestServer seeder)
    {
        _database = database;
        _environment = environment;
        Process = process;
        Seeder = seeder;
    }

    public LatchkeyProcess Process { get; private set; }

    /// <summary>For arranging data and reading tables; never the server under test.</summary>
    public LatchkeyTestServer Seeder { get; }

    /// <summary>The issuer: the process has no <c>--issuer</c>, so it answers with its own origin (<see cref="Latchkey.Protocol.Issuer"/>).</summary>
    public string Authority => Process.BaseAddress.GetLeftPart(UriPartial.Authority);

    /// <param name="environment">Settings for the process as <c>Latchkey__…</c> environment variables.</param>
    public static async Task<LiveLatchkey> StartAsync(DatabaseKind kind = DatabaseKind.Sqlite, IReadOnlyDictionary<string, string>? environment = null)
    {
        environment ??= new Dictionary<string, string>();
        var database = await TestDatabase.CreateAsync(kind);
        // The process migrates the fresh database at start, so it must be up before the seeder attaches.
        var process = await LatchkeyProcess.ServeAsync(database.ConnectionString, environment);
        // Seeded users' passwords are hashed with one PBKDF2 iteration (the count is stored in the hash, so the process
        // still verifies them): tests make a user each, and the real cost (~200 ms a hash here) proves nothing.
        // Its webhook worker stays off: deliveries are the process's to make.
        var seeder = await LatchkeyTestServer.AttachAsync(database.ConnectionString, services => services
            .Configure<PasswordHasherOptions>(o => o.IterationCount = 1)
            .Configure<Latchkey.Webhooks.WebhookOptions>(o => o.DeliveryEnabled = false));
        return new LiveLatchkey(database, environment, process, seeder);
    }

    public HttpClient CreateClient() => new() { BaseAddress = Process.BaseAddress };

    /// <summary>Starts a new process on the same database (after <see cref="LatchkeyProcess.KillAsync"/>); it listens on a new port.</summary>
    public async Task RestartAsync()
    {
        await Process.DisposeAsync();
        Process = await LatchkeyProcess.ServeAsync(_database.ConnectionString, _environment);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await Seeder.DisposeAsync();
        await _database.DisposeAsync();
    }
}
