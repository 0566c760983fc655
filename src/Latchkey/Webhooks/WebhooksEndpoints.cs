using Latchkey.Apps;
using Latchkey.Installations;
using Latchkey.Management.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using static Latchkey.Management.Api.AppsEndpoints;

namespace Latchkey.Webhooks;

/// <summary>
/// The management API's webhook routes: <c>POST /api/v1/events</c> publishes an event for the caller's organization, and
/// under <c>/api/v1/apps/{client_id}/webhook</c> an app's owner sees and steers its deliveries. Apps are found through
/// <see cref="AppRegistry.FindAsync"/> with the caller's organization, so another organization's app is a 404 (DESIGN.md rule 7),
/// the same 404 as on the app's own routes (<see cref="AppsEndpoints.AppNotFound"/>).
/// </summary>
public static class WebhooksEndpoints
{
    private const string DeliveryIdRoute = "delivery_id";
    private const string Webhook = $"/apps/{{{ClientIdRoute}}}/webhook";
    private const string Delivery = $"{Webhook}/deliveries/{{{DeliveryIdRoute}}}";

    public static RouteGroupBuilder MapWebhooksEndpoints(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/").WithTags("Webhooks");
        webhooks.MapPost("/events", PublishAsync).WithName("PublishEvent")
            .WithSummary("Publish an event to every installation in the organization whose app subscribed to it and was granted it; queued durably before the 202.");
        webhooks.MapGet(Webhook, GetAsync).WithName("GetWebhook")
            .WithSummary("The app's webhook: URL, events, whether deliveries go out (and why not), live signing secrets.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapPost($"{Webhook}/secrets", RotateSecretAsync).WithName("RotateWebhookSecret")
            .WithSummary("Issue a new signing secret, shown this once; deliveries carry both signatures until the old one's expires_at.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapPost($"{Webhook}/enable", EnableAsync).WithName("EnableWebhook")
            .WithSummary("Re-enable deliveries after the subscription was disabled for failing.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet($"{Webhook}/deliveries", ListDeliveriesAsync).WithName("ListWebhookDeliveries")
            .WithSummary("The delivery log, newest first, each delivery with its attempts. Filter with ?status=pending|delivered|failed|cancelled.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet(Delivery, GetDeliveryAsync).WithName("GetWebhookDelivery")
            .WithSummary("One delivery with its attempts and the payload it sends.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapGet("/installations/{installation_id:guid}/webhook-deliveries", ListInstallationDeliveriesAsync)
            .WithName("ListInstallationWebhookDeliveries")
            .WithSummary("For the organization an app is installed in: the events delivered to that installation, newest first, without the app's answers.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        webhooks.MapPost($"{Delivery}/redeliver", RedeliverAsync).WithName("RedeliverWebhook")
            .WithSummary("Send a finished delivery again now, under the same webhook-id, with the whole retry schedule ahead.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<Accepted<PublishedEventResponse>, ValidationProblem>> PublishAsync(
        JsonBody<PublishEventRequest> body, ManagementCaller caller, WebhookOutbox outbox, IOptions<WebhookOptions> options, CancellationToken ct)
    {
        if (body.Value is not { } request)
        {
            return TypedResults.ValidationProblem(body.Errors);
        }
        var errors = new Dictionary<string, string[]>();
        if (!AppValidator.IsEventName(request.Type))
        {
            errors["type"] = ["Name the event: 1–100 letters, digits, '.' and '_', e.g. post_created."];
        }
        else if (WebhookEventTypes.Reserved.Contains(request.Type!))
        {
            errors["type"] = [$"'{request.Type}' is one of Latchkey's own events; publish your own names."];
        }
        if (request.Data is not { ValueKind: System.Text.Json.JsonValueKind.Object } data)
        {
            errors["data"] = ["Send the event's data as a JSON object."];
        }
        else if (data.GetRawText().Length > options.Value.MaxEventDataBytes)
        {
            errors["data"] = [$"The data can be at most {options.Value.MaxEventDataBytes} bytes of JSON."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var (eventId, deliveries) = await outbox.PublishAsync(caller.OrganizationId, request.Type!, request.Data!.Value, ct);
        return TypedResults.Accepted((string?)null, new PublishedEventResponse(WebhookIds.Event(eventId), request.Type!, deliveries));
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, ManagementCaller caller, AppRegistry registry, WebhookLog log, CancellationToken ct) =>
        await registry.FindAsync(caller.OrganizationId, clientId, ct) is { } app
            ? TypedResults.Ok(await DescribeAsync(app, log, ct))
            : AppNotFound(clientId);

    private static async Task<Results<Created<RotatedSigningSecretResponse>, ProblemHttpResult>> RotateSecretAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, ManagementCaller caller, AppRegistry registry, WebhookLog log, CancellationToken ct)
    {
        if (await registry.FindAsync(caller.OrganizationId, clientId, ct) is not { } app)
        {
            return AppNotFound(clientId);
        }
        var issued = await registry.RotateWebhookSecretAsync(app, ct);
        var previous = (await log.SecretsAsync(app.Id, ct)).FirstOrDefault(s => s.Id != issued.Row.Id);
        return TypedResults.Created((string?)null, new RotatedSigningSecretResponse(issued.Plaintext,
            SecretResponse.From(issued.Row), previous is null ? null : SecretResponse.From(previous)));
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> EnableAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, ManagementCaller caller, AppRegistry registry, WebhookLog log, CancellationToken ct)
    {
        if (await registry.FindAsync(caller.OrganizationId, clientId, ct) is not { } app)
        {
            return AppNotFound(clientId);
        }
        await log.EnableAsync(app.Id, ct);
        return TypedResults.Ok(await DescribeAsync(app, log, ct));
    }

    private static async Task<Results<Ok<DeliveryListResponse>, ValidationProblem, ProblemHttpResult>> ListDeliveriesAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, string? status, int? limit, ManagementCaller caller, AppRegistry registry,
        WebhookLog log, CancellationToken ct)
    {
        if (await registry.FindAsync(caller.OrganizationId, clientId, ct) is not { } app)
        {
            return AppNotFound(clientId);
        }
        WebhookDeliveryStatus? filter = null;
        if (status is not null)
        {
            if (!Enum.TryParse<WebhookDeliveryStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || status.Any(char.IsDigit))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["Use pending, delivered, failed or cancelled."] });
            }
            filter = parsed;
        }
        var deliveries = await log.ListAsync(app.Id, filter, limit ?? 50, ct);
        return TypedResults.Ok(new DeliveryListResponse([.. deliveries.Select(d => DeliveryResponse.From(d.Delivery, d.Attempts))]));
    }

    private static async Task<Results<Ok<DeliveryListResponse>, ProblemHttpResult>> ListInstallationDeliveriesAsync(
        [FromRoute(Name = "installation_id")] Guid installationId, int? limit, ManagementCaller caller, InstallationDirectory installations,
        WebhookLog log, CancellationToken ct)
    {
        if (await installations.FindInOrganizationAsync(caller.OrganizationId, installationId, ct) is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"This organization has no installation '{installationId}'.");
        }
        var deliveries = await log.ListForInstallationAsync(installationId, limit ?? 50, ct);
        return TypedResults.Ok(new DeliveryListResponse([.. deliveries.Select(d => DeliveryResponse.From(d.Delivery, d.Attempts, forInstallingOrganization: true))]));
    }

    private static async Task<Results<Ok<DeliveryResponse>, ProblemHttpResult>> GetDeliveryAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, [FromRoute(Name = DeliveryIdRoute)] string deliveryId,
        ManagementCaller caller, AppRegistry registry, WebhookLog log, CancellationToken ct)
    {
        if (await registry.FindAsync(caller.OrganizationId, clientId, ct) is not { } app)
        {
            return AppNotFound(clientId);
        }
        return WebhookIds.ParseMessage(deliveryId) is { } id && await log.FindAsync(app.Id, id, ct) is var (delivery, attempts)
            ? TypedResults.Ok(DeliveryResponse.From(delivery, attempts, withPayload: true))
            : DeliveryNotFound(deliveryId);
    }

    private static async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> RedeliverAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, [FromRoute(Name = DeliveryIdRoute)] string deliveryId,
        ManagementCaller caller, AppRegistry registry, WebhookLog log, CancellationToken ct)
    {
        if (await registry.FindAsync(caller.OrganizationId, clientId, ct) is not { } app)
        {
            return AppNotFound(clientId);
        }
        if (WebhookIds.ParseMessage(deliveryId) is not { } id || await log.FindAsync(app.Id, id, ct) is null)
        {
            return DeliveryNotFound(deliveryId);
        }
        if (!await log.RedeliverAsync(app.Id, id, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: "The delivery is still pending: it will be attempted as scheduled.");
        }
        var (delivery, attempts) = (await log.FindAsync(app.Id, id, ct))!.Value;
        return TypedResults.Accepted((string?)null, DeliveryResponse.From(delivery, attempts));
    }

    private static async Task<WebhookResponse> DescribeAsync(App app, WebhookLog log, CancellationToken ct)
    {
        var subscription = await log.SubscriptionAsync(app.Id, ct);
        var secrets = await log.SecretsAsync(app.Id, ct);
        return new WebhookResponse(app.WebhookUrl, app.WebhookEvents, subscription?.DisabledAt is null,
            subscription?.DisabledAt is { } disabled ? Timestamps.Wire(disabled) : null, subscription?.DisabledReason,
            [.. secrets.Select(SecretResponse.From)]);
    }

    private static ProblemHttpResult DeliveryNotFound(string deliveryId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"The app has no delivery '{deliveryId}'.");
}
