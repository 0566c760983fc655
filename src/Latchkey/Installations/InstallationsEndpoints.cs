using Latchkey.Management.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Latchkey.Installations;

/// <summary>
/// <c>/api/v1/installations</c>: the apps installed in the management key's organization, and uninstalling
/// them. The target organization decides, not the app's owner: the owner's key sees none of its app's
/// installations elsewhere, and every route answers 404 for another organization's installation, exactly as
/// for one that does not exist (DESIGN.md rule 7).
/// </summary>
public static class InstallationsEndpoints
{
    public const string IncludeQuery = "include";
    public const string IncludeRevoked = "revoked";
    private const string IdRoute = "installation_id";

    public static RouteGroupBuilder MapInstallationsEndpoints(this RouteGroupBuilder api)
    {
        var installations = api.MapGroup("/installations").WithTags("Installations");
        installations.MapGet("/", ListAsync).WithName("ListInstallations")
            .WithSummary("The apps installed in the organization; live ones, and revoked ones too with ?include=revoked.");
        installations.MapGet($"/{{{IdRoute}:guid}}", GetAsync).WithName("GetInstallation")
            .WithSummary("One installation, live or revoked.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        installations.MapDelete($"/{{{IdRoute}:guid}}", UninstallAsync).WithName("Uninstall")
            .WithSummary("Uninstall: the installation and every token it holds stop working at once. "
                + "Uninstalling a revoked installation again is a 204 that changes nothing.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<Results<Ok<InstallationListResponse>, ValidationProblem>> ListAsync(
        [FromQuery(Name = IncludeQuery)] string? include, ManagementCaller caller, InstallationDirectory directory, CancellationToken ct)
    {
        if (include is not (null or IncludeRevoked))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [IncludeQuery] = [$"'{include}' is not something to include; the one value is '{IncludeRevoked}'."],
            });
        }
        var installations = await directory.ListInOrganizationAsync(caller.OrganizationId, include is IncludeRevoked, ct);
        return TypedResults.Ok(new InstallationListResponse([.. installations.Select(InstallationResponse.From)]));
    }

    private static async Task<Results<Ok<InstallationResponse>, ProblemHttpResult>> GetAsync(
        [FromRoute(Name = IdRoute)] Guid id, ManagementCaller caller, InstallationDirectory directory, CancellationToken ct) =>
        await directory.FindInOrganizationAsync(caller.OrganizationId, id, ct) is { } installation
            ? TypedResults.Ok(InstallationResponse.From(installation))
            : NotFound(id);

    /// <summary>Idempotent: a retried DELETE whose first answer was lost still sees success, and the first
    /// revocation's time stands. GET keeps showing the installation, with its <c>revoked_at</c>.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> UninstallAsync(
        [FromRoute(Name = IdRoute)] Guid id, ManagementCaller caller, InstallationDirectory directory, CancellationToken ct) =>
        await directory.RevokeInOrganizationAsync(caller.OrganizationId, id, ct) is not null
            ? TypedResults.NoContent()
            : NotFound(id);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"This organization has no installation '{id}'.");
}
