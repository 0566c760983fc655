using Latchkey.Management.Api;
using Latchkey.Protocol;
using Latchkey.Protocol.Authorize;
using Latchkey.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Profiles.FeatureOs;

/// <summary>
/// <c>POST /oauth/authorize/consent</c> (FACTS.md "FeatureOS", "Consent"): the signed-in user's answer to the
/// consent metadata of <c>GET /oauth/authorize</c>, as JSON, answered with <c>{redirect_to}</c>. It is the
/// consent form's POST in another shape: <see cref="AuthorizeFlow.DecideAsync"/> validates the request from
/// scratch, looks the user and their organizations up again, installs and issues the code.
/// </summary>
public static class ConsentEndpoint
{
    public const string Path = "/oauth/authorize/consent";

    public static IEndpointRouteBuilder MapFeatureOsConsent(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, HandleAsync).WithTags("FeatureOS")
            .WithSummary("Approve or deny an authorization request for the signed-in user; answers where to send the browser.");
        return routes;
    }

    /// <summary>
    /// Cross-site request forgery (DESIGN.md rule 6). The HTML consent form carries an antiforgery token;
    /// this endpoint instead takes only <c>Content-Type: application/json</c>: <see cref="JsonBody{T}"/> declares
    /// it, so routing answers any other body with 415 before the handler runs. A page on another origin can send
    /// a cookie-carrying POST only as a form or with a CORS-safelisted type (form, multipart, text/plain); a JSON
    /// body makes the browser ask first with a CORS preflight, which Latchkey, having no CORS policy, never
    /// grants. On top of that the session cookie is SameSite=Lax, which keeps it off other sites' POSTs altogether.
    /// </summary>
    private static async Task<IResult> HandleAsync(JsonBody<ConsentRequest> body, HttpContext http, AuthorizeFlow flow,
        AuthorizationDialects dialects, AuthorizeJson json, LatchkeyDbContext db, CancellationToken ct)
    {
        OAuthHttp.NoStore(http.Response);
        if (body.Value is not { } request)
        {
            return Invalid(string.Join(" ", body.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        }
        if (request.Decision is not (null or ConsentRequest.Approve or ConsentRequest.Deny))
        {
            return Invalid($"decision: use {ConsentRequest.Approve} or {ConsentRequest.Deny}.");
        }
        var approve = request.Decision is not ConsentRequest.Deny;
        if (approve && request.TargetOrganizationId is null)
        {
            return Invalid("target_organization_id: name the organization to install the app into; eligible_organizations lists them.");
        }
        if (approve && await UngrantableEventAsync(db, request, ct) is { } unknown)
        {
            return Invalid($"granted_webhook_events: '{unknown}' is not an event the app subscribed to.");
        }
        var parameters = request.AuthorizationParameters().ToList();
        var dialect = dialects.For(AuthorizeJson.AuthorizePath, parameters);
        var outcome = await flow.DecideAsync(dialect.Parse(parameters), http.User, new ConsentChoice(approve, request.TargetOrganizationId, request.GrantedWebhookEvents), ct);
        return json.Answer(outcome, dialect, http.Request, AuthorizeJson.AuthorizePath, parameters).ToResult();
    }

    /// <summary>
    /// FeatureOS, "App Webhooks": an installation may narrow the app's subscribed events, never add to them.
    /// Checked here, so that a wrong list is refused; the installation records what was granted
    /// (<see cref="Webhooks.WebhookOutbox.RecordInstall"/>). An unknown client is left to the flow, which shows that error.
    /// </summary>
    private static async Task<string?> UngrantableEventAsync(LatchkeyDbContext db, ConsentRequest request, CancellationToken ct)
    {
        if (request.GrantedWebhookEvents is not { } granted || request.ClientId is not { } clientId)
        {
            return null;
        }
        var subscribed = await db.Apps.AsNoTracking().Where(a => a.ClientId == clientId).Select(a => a.WebhookEvents).SingleOrDefaultAsync(ct);
        return subscribed is null
            ? null
            : granted.Where(e => e is null || !subscribed.Contains(e, StringComparer.Ordinal)).Select(e => e ?? "null").FirstOrDefault();
    }

    private static JsonHttpResult<ConsentError> Invalid(string description) =>
        TypedResults.Json(new ConsentError("invalid_request", description), statusCode: StatusCodes.Status400BadRequest);
}
