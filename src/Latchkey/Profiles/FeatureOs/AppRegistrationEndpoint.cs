using Latchkey.Accounts;
using Latchkey.Apps;
using Latchkey.Management.Api;
using Latchkey.Organizations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Latchkey.Profiles.FeatureOs;

/// <summary>
/// <c>POST /oauth/apps</c> (FACTS.md "FeatureOS", "Register"): an admin of the owner organization registers a
/// FeatureOS app from their signed-in session, naming the organization in <c>X-Organization</c>. The answer
/// carries the client secret, this once. Validation is <see cref="AppRegistry"/>'s, errors name FeatureOS's fields.
/// Cross-site forgery is refused as on the consent API (<see cref="ConsentEndpoint"/>): JSON bodies only.
/// </summary>
public static class AppRegistrationEndpoint
{
    public const string Path = "/oauth/apps";
    public const string OrganizationHeader = "X-Organization";

    public static IEndpointRouteBuilder MapFeatureOsAppRegistration(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, HandleAsync).WithTags("FeatureOS")
            .WithSummary("Register a FeatureOS app for the organization in X-Organization; the answer shows its client secret once.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Created<RegisteredApp>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        JsonBody<AppRegistrationRequest> body, HttpContext http, OrganizationDirectory organizations, AppRegistry registry,
        UserManager<User> users, CancellationToken ct)
    {
        if (!Guid.TryParse(users.GetUserId(http.User), out var userId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: "Sign in first: apps are registered from a signed-in session.");
        }
        if (http.Request.Headers[OrganizationHeader].ToString() is not { Length: > 0 } named)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [OrganizationHeader] = ["Name the owner organization: its id, subdomain or name."],
            });
        }
        var candidates = OwnerCandidates(await organizations.ForUserAsync(userId, ct), named);
        switch (candidates.Count)
        {
            case 0:
                // Another organization looks exactly like one that does not exist (DESIGN.md rule 7).
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, detail: $"You belong to no organization '{named}'.");
            case > 1:
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    [OrganizationHeader] = [$"Several of your organizations answer to '{named}'; send the organization's id."],
                });
        }
        var (owner, role) = candidates[0];
        if (role < OrganizationRole.Admin)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, detail: "Only admins and owners of the organization register its apps.");
        }
        if (body.Value is not { } request)
        {
            return TypedResults.ValidationProblem(body.Errors);
        }
        var draft = request.ToDraft();
        if (draft.Value is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>(draft.Errors));
        }
        var created = await registry.CreateAsync(owner.Id, draft.Value, ct);
        if (created.Value is not { Secret: { } secret } result)
        {
            return TypedResults.ValidationProblem(AppRegistrationRequest.WireErrors(created.Errors));
        }
        // No Location: FeatureOS documents no resource to GET an app from; the portal and /api/v1/apps show it.
        return TypedResults.Created((string?)null, RegisteredApp.From(result.App, secret.Plaintext, result.WebhookSecret.Plaintext, owner));
    }

    /// <summary>The user's organizations that <paramref name="named"/> names: by id, by exact name, or by subdomain (<see cref="FeatureOsSubdomain"/>).</summary>
    private static List<(Organization Organization, OrganizationRole Role)> OwnerCandidates(
        IReadOnlyList<(Organization Organization, OrganizationRole Role)> memberships, string named)
    {
        if (Guid.TryParse(named, out var id))
        {
            return [.. memberships.Where(m => m.Organization.Id == id)];
        }
        var byName = memberships.Where(m => m.Organization.Name == named).ToList();
        return byName.Count > 0 ? byName : [.. memberships.Where(m => FeatureOsSubdomain.Of(m.Organization) == named)];
    }
}
