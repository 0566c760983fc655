using Latchkey.Apps;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Latchkey.Management.Api;

/// <summary>
/// <c>/api/v1/apps</c>: an organization's OAuth apps, for its management API key. Every lookup goes through
/// <see cref="AppRegistry.FindAsync"/> with the caller's organization, so another organization's app is a 404
/// on every route, exactly like one that does not exist (DESIGN.md rule 7); validation is the registry's.
/// </summary>
public static class AppsEndpoints
{
    /// <summary>The route value naming an app; the webhook routes under an app use it too.</summary>
    internal const string ClientIdRoute = "client_id";
    private const string SecretIdRoute = "secret_id";

    public static RouteGroupBuilder MapAppsEndpoints(this RouteGroupBuilder api)
    {
        var apps = api.MapGroup("/apps").WithTags("Apps");
        apps.MapPost("/", CreateAsync).WithName("CreateApp")
            .WithSummary("Register an app; the answer carries its client secret, shown this once.");
        apps.MapGet("/", ListAsync).WithName("ListApps").WithSummary("The organization's apps.");
        apps.MapGet($"/{{{ClientIdRoute}}}", GetAsync).WithName("GetApp").WithSummary("One app.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        apps.MapPut($"/{{{ClientIdRoute}}}", ReplaceAsync).WithName("ReplaceApp")
            .WithSummary("Replace the app's settings; omitted fields take the values a new app gets. Profile and public are fixed.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        apps.MapPatch($"/{{{ClientIdRoute}}}", UpdateAsync).WithName("UpdateApp")
            .WithSummary("Change some settings; omitted or null fields keep their values, \"\" or [] clears one.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        apps.MapDelete($"/{{{ClientIdRoute}}}", DeleteAsync).WithName("DeleteApp").WithSummary("Delete the app and its secrets.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        apps.MapPost($"/{{{ClientIdRoute}}}/secrets", RotateSecretAsync).WithName("RotateSecret")
            .WithSummary("Issue a new client secret, shown this once; the old one keeps working until its expires_at.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        apps.MapDelete($"/{{{ClientIdRoute}}}/secrets/{{{SecretIdRoute}:long}}", RevokeSecretAsync).WithName("RevokeSecret")
            .WithSummary("End a rotated-out secret's overlap now. The current secret cannot be revoked: rotate first.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    private static async Task<Results<Created<CreatedAppResponse>, ValidationProblem>> CreateAsync(
        JsonBody<CreateAppRequest> body, ManagementCaller caller, AppRegistry registry, TimeProvider clock, CancellationToken ct)
    {
        if (body.Value is not { } request)
        {
            return TypedResults.ValidationProblem(body.Errors);
        }
        var draft = request.ToCreateDraft();
        if (draft.Value is null)
        {
            return TypedResults.ValidationProblem(Errors(draft.Errors));
        }
        var created = await registry.CreateAsync(caller.OrganizationId, draft.Value, ct);
        if (created.Value is not { } value)
        {
            return TypedResults.ValidationProblem(Errors(created.Errors));
        }
        var app = AppResponse.From(value.App, clock.GetUtcNow());
        return TypedResults.Created(Location(app.ClientId), new CreatedAppResponse(app, value.Secret?.Plaintext, value.WebhookSecret.Plaintext));
    }

    private static async Task<Ok<AppListResponse>> ListAsync(
        ManagementCaller caller, AppRegistry registry, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var apps = await registry.ListAsync(caller.OrganizationId, ct);
        return TypedResults.Ok(new AppListResponse([.. apps.Select(a => AppResponse.From(a, now))]));
    }

    private static async Task<Results<Ok<AppResponse>, ProblemHttpResult>> GetAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, ManagementCaller caller, AppRegistry registry, TimeProvider clock, CancellationToken ct) =>
        await registry.FindAsync(caller.OrganizationId, clientId, ct) is { } app
            ? TypedResults.Ok(AppResponse.From(app, clock.GetUtcNow()))
            : AppNotFound(clientId);

    /// <summary>PUT replaces the settings: the body is read as on create, so an omitted field is reset to the
    /// default of a new app (scopes: the whole catalogue, actor_modes: self) rather than kept. Use PATCH to keep.</summary>
    private static Task<Results<Ok<AppResponse>, ValidationProblem, ProblemHttpResult>> ReplaceAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, JsonBody<AppSettingsRequest> body, ManagementCaller caller,
        AppRegistry registry, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(clientId, body, caller, registry, clock, (request, _) => request.ToDraft(), ct);

    private static Task<Results<Ok<AppResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, JsonBody<AppSettingsRequest> body, ManagementCaller caller,
        AppRegistry registry, TimeProvider clock, CancellationToken ct) =>
        ChangeAsync(clientId, body, caller, registry, clock, (request, app) => request.MergeInto(app), ct);

    private static async Task<Results<Ok<AppResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync(
        string clientId, JsonBody<AppSettingsRequest> body, ManagementCaller caller, AppRegistry registry, TimeProvider clock,
        Func<AppSettingsRequest, App, AppDraft> draft, CancellationToken ct)
    {
        // The tenant check comes before the body's: another organization's app is a 404 whatever is sent.
        if (await registry.FindAsync(caller.OrganizationId, clientId, ct) is not { } app)
        {
            return AppNotFound(clientId);
        }
        if (body.Value is not { } request)
        {
            return TypedResults.ValidationProblem(body.Errors);
        }
        var updated = await registry.UpdateAsync(app, draft(request, app), ct);
        return updated.IsValid
            ? TypedResults.Ok(AppResponse.From(app, clock.GetUtcNow()))
            : TypedResults.ValidationProblem(Errors(updated.Errors));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, ManagementCaller caller, AppRegistry registry, CancellationToken ct)
    {
        if (await registry.FindAsync(caller.OrganizationId, clientId, ct) is not { } app)
        {
            return AppNotFound(clientId);
        }
        await registry.DeleteAsync(app, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Created<RotatedSecretResponse>, ProblemHttpResult>> RotateSecretAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, ManagementCaller caller, AppRegistry registry, TimeProvider clock, CancellationToken ct)
    {
        if (await registry.FindAsync(caller.OrganizationId, clientId, ct) is not { } app)
        {
            return AppNotFound(clientId);
        }
        var rotated = await registry.RotateSecretAsync(app, ct);
        if (rotated.Value is not { } issued)
        {
            // A public client has no secret to rotate: the app's state, not the request, is in the way.
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, detail: rotated.Summary);
        }
        var now = clock.GetUtcNow();
        var previous = app.Secrets.SingleOrDefault(s => s != issued.Row && s.IsLiveAt(now));
        // No Location: a secret has no resource of its own to GET; the app lists it under "secrets".
        return TypedResults.Created((string?)null, new RotatedSecretResponse(
            app.ClientId, issued.Plaintext, SecretResponse.From(issued.Row), previous is null ? null : SecretResponse.From(previous)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeSecretAsync(
        [FromRoute(Name = ClientIdRoute)] string clientId, [FromRoute(Name = SecretIdRoute)] long secretId,
        ManagementCaller caller, AppRegistry registry, CancellationToken ct)
    {
        if (await registry.FindAsync(caller.OrganizationId, clientId, ct) is not { } app)
        {
            return AppNotFound(clientId);
        }
        var revoked = await registry.RevokeSecretAsync(app, secretId, ct);
        if (revoked.IsValid)
        {
            return TypedResults.NoContent();
        }
        // The registry refuses two ways: the current secret (it would leave the app with none: 409), or a
        // secret that is not live (already expired, revoked, or never the app's: 404).
        var isCurrent = app.Secrets.Any(s => s.Id == secretId && s.ExpiresAt is null);
        return TypedResults.Problem(
            statusCode: isCurrent ? StatusCodes.Status409Conflict : StatusCodes.Status404NotFound,
            detail: revoked.Summary);
    }

    private static string Location(string clientId) => $"{ManagementApi.Prefix}/apps/{Uri.EscapeDataString(clientId)}";

    /// <summary>Another organization's app and a missing one answer the same (DESIGN.md rule 7); the webhook routes too.</summary>
    internal static ProblemHttpResult AppNotFound(string clientId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"This organization has no app '{clientId}'.");

    private static Dictionary<string, string[]> Errors(IReadOnlyDictionary<string, string[]> errors) => new(errors);
}
