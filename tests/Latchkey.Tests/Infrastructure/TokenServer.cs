namespace Latchkey.Tests.Infrastructure;

/// <summary>
/// One SQLite server for a whole test class (<c>IClassFixture&lt;TokenServer&gt;</c>) with two confidential apps
/// in two organizations, made once: the tests after the token endpoint each issue their own tokens, so they
/// share the apps without seeing each other's results, and skip most of the seeding.
/// </summary>
public sealed class TokenServer : IAsyncLifetime
{
    public LatchkeyTestServer Server { get; private set; } = null!;
    public TestClient Client { get; private set; } = null!;
    public TestClient Other { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await LatchkeyTestServer.StartAsync();
        Client = await Server.ClientAsync();
        Other = await Server.ClientAsync();
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
