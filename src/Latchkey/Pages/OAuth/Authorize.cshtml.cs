using Latchkey.Profiles.FeatureOs;
using Latchkey.Protocol;
using Latchkey.Protocol.Authorize;
using Latchkey.Scopes;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Latchkey.Pages.OAuth;

/// <summary>
/// <c>GET /oauth/authorize</c> (RFC 6749 §3.1, §4.1.1) and the consent form's <c>POST</c> back to it,
/// in every profile's wire form. This page only hosts: the request's <see cref="IAuthorizationDialect"/>
/// parses it, <see cref="AuthorizeFlow"/> decides, and the page renders the outcome — the consent
/// screen, the error page, or the dialect's redirect. Razor Pages check the antiforgery token of
/// every POST, so a consent can only come from this page's own form (DESIGN.md rule 6).
/// </summary>
public sealed class AuthorizeModel(AuthorizeFlow flow, AuthorizationDialects dialects, Issuer issuer, ScopeCatalogues catalogues) : PageModel
{
    public const string DecisionField = "decision";
    public const string OrganizationField = "organization";
    public const string Approve = "approve";
    public const string Deny = "deny";

    private static readonly string[] ConsentOnlyFields = [DecisionField, OrganizationField, "__RequestVerificationToken"];

    /// <summary>Set when the error page is shown: the request's client or redirect URI cannot be trusted.</summary>
    public ShowError? Error { get; private set; }

    /// <summary>Set when the consent screen is shown.</summary>
    public AskConsent? Consent { get; private set; }

    /// <summary>What each scope on the consent screen means: in the catalogue of the app's profile, not the deployment's.</summary>
    public IReadOnlyDictionary<string, string> ScopeDescriptions => catalogues.Descriptions(Consent!.Authorization.App.Profile);

    /// <summary>The request's parameters as sent: the consent form carries them back (<see cref="AuthorizationRoundTrip"/>).</summary>
    public IReadOnlyList<KeyValuePair<string, StringValues>> RequestParameters { get; private set; } = [];

    /// <summary>Where the consent form posts: the path the request came to, so the same dialect reads it again.</summary>
    public string FormAction => Request.PathBase.Add(Request.Path);

    public async Task<IActionResult> OnGetAsync([FromServices] AuthorizeJson json, CancellationToken ct)
    {
        NoStore();
        // RFC 9110 §12.5.5: the answer depends on Accept (the page or FeatureOS's JSON), so no cache may serve one for the other.
        Response.Headers.Append(HeaderNames.Vary, HeaderNames.Accept);
        RequestParameters = [.. Request.Query];
        var dialect = dialects.For(Request.Path, RequestParameters);
        var outcome = await flow.AuthorizeAsync(dialect.Parse(RequestParameters), User, ct);
        // FeatureOS's consent API (FACTS.md): the same outcome as JSON, for a request that asks for JSON and not HTML.
        return AuthorizeJson.IsWanted(Request)
            ? json.Answer(outcome, dialect, Request, Request.Path, RequestParameters).ToPageResult()
            : Render(dialect, outcome, HttpMethods.Get);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        NoStore();
        var form = await Request.ReadFormAsync(ct);
        RequestParameters = [.. form.Where(f => !ConsentOnlyFields.Contains(f.Key, StringComparer.Ordinal))];
        var dialect = dialects.For(Request.Path, RequestParameters);
        var choice = new ConsentChoice(
            form[DecisionField] == Approve,
            Guid.TryParse(form[OrganizationField], out var organizationId) ? organizationId : null);
        return Render(dialect, await flow.DecideAsync(dialect.Parse(RequestParameters), User, choice, ct), HttpMethods.Post);
    }

    /// <summary>
    /// Codes, states and consent forms must not be cached. no-cache too: the antiforgery token on the
    /// consent form needs it, and antiforgery would otherwise override the header and log a warning.
    /// </summary>
    private void NoStore()
    {
        Response.Headers.CacheControl = "no-store, no-cache";
        Response.Headers.Pragma = "no-cache";
    }

    private IActionResult Render(IAuthorizationDialect dialect, AuthorizationOutcome outcome, string method)
    {
        switch (outcome)
        {
            case ShowError error:
                Error = error with { Code = dialect.ShownErrorCode };
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return Page();
            case AskConsent consent:
                Consent = consent;
                return Page();
            case SignInRequired:
                // The Identity cookie's challenge sends the user to its login page with this ReturnUrl.
                return Challenge(new AuthenticationProperties { RedirectUri = AuthorizationRoundTrip.SignInReturnUrl(FormAction, RequestParameters) });
            case RedirectToClient response:
                // The Location is set by hand: RedirectResult logs its destination, and this one carries a code
                // (DESIGN.md rule 4). After the consent form's POST, 303 makes the browser follow with a GET,
                // never re-posting the form to the client (RFC 9700 §4.12 forbids 307 for this reason).
                Response.Headers.Location = dialect.ClientRedirect(response, issuer.For(Request));
                return StatusCode(method == HttpMethods.Get ? StatusCodes.Status302Found : StatusCodes.Status303SeeOther);
            default:
                throw new InvalidOperationException($"No rendering for {outcome.GetType().Name}.");
        }
    }
}
