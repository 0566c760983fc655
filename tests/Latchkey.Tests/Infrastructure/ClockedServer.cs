namespace Latchkey.Tests.Infrastructure;

/// <summary>
/// One server for a test class, on a clock the tests move (<see cref="ManualClock"/>). Each test arranges its own
/// organizations, apps and users, and compares times only with what it issued itself, so moving the clock does not
/// disturb the others. A profile's fixture says how its deployment starts.
/// </summary>
public abstract class ClockedServer : IAsyncLifetime
{
    public ManualClock Clock { get; } = new();
    public LatchkeyTestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await StartAsync(Clock);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected abstract Task<LatchkeyTestServer> StartAsync(ManualClock clock);
}
