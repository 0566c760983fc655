using Latchkey.Apps;
using Latchkey.Organizations;

namespace Latchkey.Protocol.Authorize;

/// <summary>
/// What the authorization endpoint decided, in canonical form. A profile's renderer turns it into
/// HTTP: a page, a redirect to sign-in, or a redirect back to the client.
/// </summary>
public abstract record AuthorizationOutcome;

/// <summary>
/// The client or its redirect URI could not be established, so the user agent must not be sent
/// anywhere: the error is shown to the user (RFC 6749 §4.1.2.1, DESIGN.md rule 1).
/// </summary>
/// <param name="Code">An error code shown beside the description, for a profile whose documentation names one
/// (<see cref="IAuthorizationDialect.ShownErrorCode"/>).</param>
public sealed record ShowError(string Description, string? Code = null) : AuthorizationOutcome;

/// <summary>The authorization response (RFC 6749 §4.1.2) or error response (§4.1.2.1) for the client's redirect URI.</summary>
public sealed record RedirectToClient(string RedirectUri, string? Code, OAuthError? Error, string? State) : AuthorizationOutcome
{
    public static RedirectToClient Failure(ValidatedAuthorization authorization, OAuthError error) =>
        new(authorization.RedirectUri, null, error, authorization.State);
}

/// <summary>The user must sign in first, then come back with the same request (<see cref="AuthorizationRoundTrip"/>).</summary>
public sealed record SignInRequired : AuthorizationOutcome
{
    public static readonly SignInRequired Instance = new();
}

/// <summary>The consent screen: the user approves or denies, and picks the organization to install into.</summary>
public sealed record AskConsent(
    ValidatedAuthorization Authorization,
    Organization Owner,
    IReadOnlyList<EligibleOrganization> Organizations) : AuthorizationOutcome;

/// <summary>An organization the user may install the app into, and the scopes their role there lets them grant.</summary>
public sealed record EligibleOrganization(Organization Organization, OrganizationRole Role, IReadOnlyList<string> GrantableScopes);
