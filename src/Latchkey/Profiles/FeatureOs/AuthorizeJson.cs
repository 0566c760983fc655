using Latchkey.Protocol;
using Latchkey.Protocol.Authorize;
using Latchkey.Scopes;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Latchkey.Profiles.FeatureOs;

/// <summary>
/// The authorization endpoint's outcome as JSON (FACTS.md "FeatureOS", "Authorize"): FeatureOS's consent API,
/// for a frontend that draws the consent screen itself. The same <see cref="AuthorizeFlow"/> decides; only the
/// rendering differs from the HTML page, one JSON answer for each thing the page would do:
/// <list type="bullet">
/// <item>consent screen → 200, <see cref="ConsentMetadata"/>;</item>
/// <item>redirect to the client (a code, or an error for the client) → 200, <see cref="ConsentRedirect"/>: the
/// frontend sends the browser to <c>redirect_to</c> as the page's 302 would;</item>
/// <item>sign-in needed → 401 <c>login_required</c> with <c>login_url</c>, never a redirect to the login page;</item>
/// <item>error page (client or redirect URI in doubt) → 400, and no <c>redirect_to</c> (RFC 6749 §4.1.2.1, DESIGN.md rule 1).</item>
/// </list>
/// No CORS policy exists, so another origin's script cannot read any of these answers, and the session
/// cookie is SameSite=Lax, so no other site's request carries it.
/// </summary>
public sealed class AuthorizeJson(Issuer issuer, ScopeCatalogues catalogues, IOptionsMonitor<CookieAuthenticationOptions> cookies)
{
    public const string AuthorizePath = "/oauth/authorize";

    /// <summary>
    /// True when the request asks for JSON and not for HTML. A browser navigating to the endpoint always
    /// accepts text/html, so it keeps getting the page; <c>Accept: application/json</c> gets the data.
    /// </summary>
    public static bool IsWanted(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().Accept.Where(a => a.Quality is not 0d).Select(a => a.MediaType.Value).ToList();
        return accepted.Contains("application/json", StringComparer.OrdinalIgnoreCase)
            && !accepted.Contains("text/html", StringComparer.OrdinalIgnoreCase);
    }

    /// <param name="endpoint">The authorization endpoint's path the request belongs to: sign-in comes back there.</param>
    public AuthorizeJsonAnswer Answer(AuthorizationOutcome outcome, IAuthorizationDialect dialect, HttpRequest request, PathString endpoint,
        IEnumerable<KeyValuePair<string, StringValues>> parameters) => outcome switch
    {
        AskConsent consent => new(StatusCodes.Status200OK, ConsentMetadata.From(consent, catalogues.Descriptions(consent.Authorization.App.Profile))),
        RedirectToClient redirect => new(StatusCodes.Status200OK, new ConsentRedirect(
            dialect.ClientRedirect(redirect, issuer.For(request)), redirect.Error?.Code, redirect.Error?.Description)),
        SignInRequired => new(StatusCodes.Status401Unauthorized, new ConsentError("login_required",
            "Sign in first, then send the authorization request again.", LoginUrl(request, endpoint, parameters))),
        ShowError error => new(StatusCodes.Status400BadRequest, new ConsentError("invalid_request", error.Description)),
        _ => throw new InvalidOperationException($"No JSON rendering for {outcome.GetType().Name}."),
    };

    /// <summary>The sign-in page, coming back to this authorization request afterwards (<see cref="AuthorizationRoundTrip"/>).</summary>
    private string LoginUrl(HttpRequest request, PathString endpoint, IEnumerable<KeyValuePair<string, StringValues>> parameters)
    {
        var cookie = cookies.Get(IdentityConstants.ApplicationScheme);
        var returnUrl = AuthorizationRoundTrip.SignInReturnUrl(request.PathBase.Add(endpoint), parameters);
        return request.PathBase.Add(cookie.LoginPath) + QueryString.Create(cookie.ReturnUrlParameter, returnUrl);
    }
}

/// <summary>A status and a body, for the Razor page (<see cref="ToPageResult"/>) and minimal API handlers (<see cref="ToResult"/>) alike.</summary>
public sealed record AuthorizeJsonAnswer(int Status, object Body)
{
    public IResult ToResult() => TypedResults.Json(Body, statusCode: Status);

    public IActionResult ToPageResult() => new JsonResult(Body) { StatusCode = Status };
}
