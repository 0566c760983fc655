using Latchkey.Apps;
using Latchkey.Management;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Profiles.Fub;

/// <summary>
/// Follow Up Boss's app management API (seed 000): a Registered System creates an OAuth app and
/// later replaces its redirect URIs; it also disconnects one of its apps from a user (FACTS.md,
/// <see cref="FubRevokeAccess"/>). Apps made here carry the FUB profile and remember their system.
/// Mapped on every deployment, whatever the default profile, as the RFC endpoints are for FUB apps.
/// </summary>
public static class FubAppEndpoints
{
    public static IEndpointRouteBuilder MapFubAppEndpoints(this IEndpointRouteBuilder routes)
    {
        // No .Accepts<T>(): its content-type matching would answer a missing or odd Content-Type with a
        // 415 problem document before authentication; the handlers read any body as JSON and answer in FUB's shape.
        var apps = routes.MapGroup("/v1/oauthApps")
            .AddEndpointFilter<RegisteredSystemFilter>()
            .WithTags("Follow Up Boss");
        apps.MapPost("", CreateAsync)
            .Produces<FubLegacyError>(StatusCodes.Status401Unauthorized)
            .WithSummary("Create an OAuth app for the calling Registered System; the only answer that shows its secret.");
        apps.MapPut("", UpdateAsync)
            .Produces<FubLegacyError>(StatusCodes.Status401Unauthorized)
            .WithSummary("Replace the redirect URIs of one of the calling Registered System's OAuth apps.");
        apps.MapDelete("/revokeAccess", FubRevokeAccess.HandleAsync)
            .Produces<FubLegacyError>(StatusCodes.Status401Unauthorized)
            .WithSummary("Disconnect one of the system's apps from a user: send that connection's access token as Bearer.");
        return routes;
    }

    /// <summary>
    /// 200, not 201: seed 000 shows the body but no status, the FUB OAuth pages that do name one say 200
    /// ("Token Exchange Response"), and a client that checks for one exact code most likely checks for 200.
    /// The name is optional: the seed's request has none yet its answer has one, so it defaults to the system's name.
    /// </summary>
    private static async Task<Results<Ok<FubCreatedApp>, BadRequest<FubLegacyError>>> CreateAsync(
        HttpContext http, AppRegistry registry, CancellationToken ct)
    {
        var system = RegisteredSystemFilter.Current(http);
        var (body, bodyError) = await FubRequestBody.ReadAsync<FubCreateAppRequest>(http.Request, ct);
        if (body is null)
        {
            return TypedResults.BadRequest(bodyError);
        }
        var (uris, urisError) = FubRequestBody.RedirectUris(body.RedirectUris);
        if (uris is null)
        {
            return TypedResults.BadRequest(urisError);
        }
        var draft = new AppDraft
        {
            Name = string.IsNullOrWhiteSpace(body.Name) ? system.Name : body.Name,
            RedirectUris = uris,
            Profile = ProfileName.Fub,
        };
        var created = await registry.CreateForSystemAsync(system, draft, ct);
        return created.Value is { Secret: { } secret } result
            ? TypedResults.Ok(FubCreatedApp.From(result.App, secret))
            : TypedResults.BadRequest(FubLegacyError.Invalid(created.Errors));
    }

    /// <summary>Only the redirect URIs change (seed 000: "you can update the redirectUris"); the same
    /// no-localhost rule applies because <see cref="AppRegistry"/> checks the FUB profile's rules again.</summary>
    private static async Task<Results<Ok<FubUpdatedApp>, BadRequest<FubLegacyError>, NotFound<FubLegacyError>>> UpdateAsync(
        HttpContext http, AppRegistry registry, CancellationToken ct)
    {
        var system = RegisteredSystemFilter.Current(http);
        var (body, bodyError) = await FubRequestBody.ReadAsync<FubUpdateAppRequest>(http.Request, ct);
        if (body is null)
        {
            return TypedResults.BadRequest(bodyError);
        }
        var (uris, urisError) = FubRequestBody.RedirectUris(body.RedirectUris);
        if (uris is null)
        {
            return TypedResults.BadRequest(urisError);
        }
        var clientId = body.ClientId;
        if (string.IsNullOrEmpty(clientId))
        {
            var own = (await registry.ListAsync(system.OrganizationId, ct)).Where(a => a.RegisteredSystemId == system.Id).ToList();
            switch (own.Count)
            {
                case 0:
                    return TypedResults.NotFound(FubLegacyError.AppNotFound("This system has no OAuth app yet; create one with POST /v1/oauthApps."));
                case > 1:
                    return TypedResults.BadRequest(FubLegacyError.MissingParams(
                        $"clientId: this system has {own.Count} OAuth apps, so name the one to update."));
            }
            clientId = own[0].ClientId;
        }
        var app = await FindOwnAppAsync(registry, system, clientId, ct);
        if (app is null)
        {
            return TypedResults.NotFound(FubLegacyError.AppNotFound("This system has no OAuth app with that client id."));
        }
        var updated = await registry.UpdateAsync(app, AppDraft.From(app) with { RedirectUris = uris }, ct);
        return updated.Value is { } result
            ? TypedResults.Ok(new FubUpdatedApp(result.ClientId, result.RedirectUris))
            : TypedResults.BadRequest(FubLegacyError.Invalid(updated.Errors));
    }

    /// <summary>
    /// Seed 000's PUT names no app, so the app is the one the body's optional <c>clientId</c> names, or
    /// else the system's only app. A system may change only apps it created: another system's app, even
    /// in the same organization, and any other organization's app answer as if they did not exist.
    /// </summary>
    private static async Task<App?> FindOwnAppAsync(AppRegistry registry, RegisteredSystem system, string clientId, CancellationToken ct)
    {
        var app = await registry.FindAsync(system.OrganizationId, clientId, ct);
        return app?.RegisteredSystemId == system.Id ? app : null;
    }
}
