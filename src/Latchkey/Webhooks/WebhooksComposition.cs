namespace Latchkey.Webhooks;

/// <summary>Webhooks' services (<c>Latchkey:Webhooks</c>) and delivery worker. The management endpoints are mapped with
/// the rest of the management API (<see cref="WebhooksEndpoints"/>).</summary>
public static class WebhooksComposition
{
    /// <summary>
    /// What every entry point needs: apps get a signing secret wherever they are created (the CLI too), and installs and
    /// revocations write events. The signing secrets are encrypted with Data Protection, whose key ring lives in the
    /// database (<see cref="Storage.DataProtectionKeyRing"/>), so the CLI and every server process read each other's.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section))
            .Validate(o => o.Retries.All(r => r > TimeSpan.Zero) && o.RetryJitter >= 0 && o.AttemptTimeout > TimeSpan.Zero
                    && o.MaxConcurrentDeliveries > 0 && o.MaxConcurrentPerEndpoint > 0 && o.PollInterval > TimeSpan.Zero
                    && o.ResponseExcerptBytes >= 0 && o.MaxEventDataBytes > 0,
                $"{WebhookOptions.Section}: retry delays, timeouts, intervals and concurrency limits must be positive.")
            .Validate(o => o.DeliveryRetention > TimeSpan.Zero,
                $"{WebhookOptions.Section}:{nameof(WebhookOptions.DeliveryRetention)} must be positive: it is how long finished deliveries stay in the log.")
            .ValidateOnStart();
        services.AddSingleton<WebhookSignal>();
        services.AddScoped<WebhookSigningSecrets>();
        services.AddScoped<WebhookOutbox>();
        services.AddScoped<WebhookLog>();
        return services;
    }

    /// <summary>The delivery worker, for <c>serve</c>; off when <see cref="WebhookOptions.DeliveryEnabled"/> is false. The
    /// pruner runs in every <c>serve</c> process either way: its deletes are idempotent.</summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        services.AddSingleton<WebhookHttp>();
        services.AddSingleton<WebhookSender>();
        services.AddScoped<WebhookLeases>();
        services.AddScoped<WebhookDeliverer>();
        services.AddHostedService<WebhookDispatcher>();
        services.AddHostedService<WebhookPruner>();
        return services;
    }
}
