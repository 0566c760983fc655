using System.Text.Json;
using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tests.Management;

namespace Latchkey.Tests.Webhooks;

/// <summary>
/// One server for a test class, on a <see cref="ManualClock"/>, with delivery to loopback turned on (it is off by
/// default) and a quick poll, and a <see cref="WebhookReceiver"/> beside it. Tests arrange their own organizations and apps.
/// The same settings start real processes (<see cref="Environment"/>).
/// </summary>
public sealed class WebhookServer : IAsyncLifetime
{
    public ManualClock Clock { get; } = new();
    public DatabaseKind Kind { get; init; } = DatabaseKind.Sqlite;
    public LatchkeyTestServer Server { get; private set; } = null!;
    public WebhookReceiver Receiver { get; private set; } = null!;

    public static Dictionary<string, string?> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Latchkey:Webhooks:AllowLoopback"] = "true",
            ["Latchkey:Webhooks:PollInterval"] = "00:00:00.050",
            ["Latchkey:Webhooks:AttemptTimeout"] = "00:00:03",
            ["Latchkey:Webhooks:RetryJitter"] = "0",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary><see cref="Settings"/> as environment variables, for a real <c>latchkey serve</c> process.</summary>
    public static Dictionary<string, string> Environment(params (string Key, string Value)[] more) =>
        Settings(more).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

    /// <summary>One outside a class fixture, e.g. for each database of a theory.</summary>
    public static async Task<WebhookServer> StartAsync(DatabaseKind kind)
    {
        var server = new WebhookServer { Kind = kind };
        await server.InitializeAsync();
        return server;
    }

    public async ValueTask InitializeAsync()
    {
        Receiver = await WebhookReceiver.StartAsync();
        Server = await LatchkeyTestServer.StartAsync(Kind, Settings(), s => s.AddSingleton<TimeProvider>(Clock));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}

/// <summary>An app with a webhook, installed in its own organization, and the management client of that organization.</summary>
public sealed record Subscriber(HttpClient Api, Guid OrganizationId, string ClientId, string WebhookSecret, Guid InstallationId,
    WebhookReceiver.Endpoint Endpoint)
{
    public string WebhookPath => $"{ManagementApiKit.Apps}/{ClientId}/webhook";
}

public static class WebhookKit
{
    public const string PostCreated = "post_created";
    private static readonly string[] AppActor = ["app"];
    private static readonly string[] Redirects = [ManagementApiKit.GoodRedirect];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An app subscribed to <paramref name="events"/> at <paramref name="url"/>, installed (actor <c>app</c>)
    /// with <paramref name="granted"/> events (null: all).</summary>
    public static async Task<Subscriber> SubscriberAsync(this LatchkeyTestServer server, WebhookReceiver.Endpoint endpoint,
        string[]? events = null, string? url = null, string[]? granted = null)
    {
        var (api, organizationId) = await server.ManagementClientAsync();
        var created = await api.CreateHookedAppAsync(url ?? endpoint.Url, events ?? [PostCreated]);
        var clientId = created.GetProperty("client_id").GetString()!;
        var installationId = await server.InstallAsync(organizationId, clientId, granted);
        return new Subscriber(api, organizationId, clientId, created.GetProperty("webhook_secret").GetString()!, installationId, endpoint);
    }

    /// <summary>Creates an app (actor <c>app</c>) with a webhook over the management API; the 201 body.</summary>
    public static Task<JsonElement> CreateHookedAppAsync(this HttpClient api, string url, string[] events) => api.CreateAppAsync(new
    {
        name = "Hooked " + Guid.NewGuid().ToString("N")[..6],
        redirect_uris = Redirects,
        actor_modes = AppActor,
        webhook_url = url,
        webhook_events = events,
    });

    public static Task<Guid> InstallAsync(this LatchkeyTestServer server, Guid organizationId, string clientId, string[]? granted = null) =>
        server.WithScopeAsync(async services =>
        {
            var app = (await services.GetRequiredService<AppRegistry>().FindAsync(organizationId, clientId, default))!;
            var installation = await services.GetRequiredService<InstallationStore>()
                .InstallAsync(app, organizationId, ActorMode.App, null, app.AllowedScopes, null, granted, default);
            return installation.Id;
        });

    public static async Task<JsonElement> PublishAsync(this HttpClient api, string type = PostCreated, object? data = null)
    {
        using var response = await api.PostAsJsonAsync("/api/v1/events", new { type, data = data ?? new { @object = "post", id = 42, title = "Hello" } }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await response.JsonAsync();
    }

    public static async Task<JsonElement[]> DeliveriesAsync(this Subscriber subscriber)
    {
        using var response = await subscriber.Api.GetAsync($"{subscriber.WebhookPath}/deliveries", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.JsonAsync()).GetProperty("data").EnumerateArray()];
    }

    /// <summary>Waits until the log shows the single delivery with <paramref name="attempts"/> recorded and returns it.</summary>
    public static async Task<JsonElement> WaitForLoggedAttemptsAsync(this Subscriber subscriber, int attempts, string? status = null) =>
        (await subscriber.WaitForLogAsync(deliveries => deliveries is [var delivery] && delivery.GetProperty("attempts").GetArrayLength() >= attempts
            && (status is null || delivery.GetProperty("status").GetString() == status), $"{attempts} attempts ({status})"))[0];

    /// <summary>Waits until the app's delivery log, newest first, is as <paramref name="reached"/> wants it, and returns it.</summary>
    public static async Task<JsonElement[]> WaitForLogAsync(this Subscriber subscriber, Func<JsonElement[], bool> reached, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var deliveries = await subscriber.DeliveriesAsync();
            if (reached(deliveries))
            {
                return deliveries;
            }
            Assert.True(DateTime.UtcNow < deadline, $"The log did not reach {what}: {string.Join(", ", deliveries)}");
            await Task.Delay(20, Ct);
        }
    }
}
