using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Latchkey.Management.Api;

/// <summary>
/// The <c>ManagementKey</c> authentication scheme: <c>Authorization: Bearer lkkey_…</c> (RFC 6750 §2.1) names
/// the organization the caller acts for. It is never the default scheme, so the portal's Identity cookie is
/// untouched; only the <c>/api/v1</c> group asks for it.
/// </summary>
public sealed class ManagementKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ManagementCredentials credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ManagementKey";
    public const string OrganizationClaim = "latchkey:organization";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        // RFC 9110 §11.1: the auth-scheme is case-insensitive.
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var organizationId = await credentials.OrganizationForKeyAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (organizationId is null)
        {
            // The message reaches the logs: it must never carry the presented key.
            return AuthenticateResult.Fail("The management API key is malformed, unknown or revoked.");
        }
        var identity = new ClaimsIdentity([new Claim(OrganizationClaim, organizationId.Value.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>RFC 6750 §3: a bare <c>Bearer</c> challenge when no key came, <c>error="invalid_token"</c> when a bad one did;
    /// the body is problem+json like every other error of this API.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = (await HandleAuthenticateOnceSafeAsync()).Failure is not null;
        Response.Headers.WWWAuthenticate = presented ? "Bearer error=\"invalid_token\"" : "Bearer";
        await TypedResults.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            detail: presented
                ? "The management API key is malformed, unknown or revoked."
                : "Send an organization management API key: Authorization: Bearer lkkey_…").ExecuteAsync(Context);
    }
}
