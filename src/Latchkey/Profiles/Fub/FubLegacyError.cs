using System.Text.Json.Serialization;
using Latchkey.Apps;
using Latchkey.Protocol;
using Latchkey.Sessions;

namespace Latchkey.Profiles.Fub;

/// <summary>
/// FUB's legacy error envelope, <c>{success:false, errorMessage, errorDetails[], errorCode}</c>
/// (FACTS.md "Follow Up Boss"; FUB docs "Token Exchange Response", legacy format): a general
/// message, human-readable details, and a machine-readable string code. Wire names are FUB's and
/// are pinned here, so no app-wide JSON setting can change them.
/// </summary>
public sealed record FubLegacyError(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorDetails")] IReadOnlyList<string> ErrorDetails,
    [property: JsonPropertyName("errorCode")] string ErrorCode)
{
    [JsonPropertyName("success")]
    [JsonPropertyOrder(-1)]
    public bool Success => false;

    /// <summary>FUB's own phrase for absent parameters; the details name them (FUB docs: "when parameters
    /// are missing, this property will contain the list of missing parameters").</summary>
    public static FubLegacyError MissingParams(params string[] names) =>
        new("Missing required params", names, FubErrorCodes.InvalidRequest);

    public static FubLegacyError InvalidBody(string detail) =>
        new("Invalid request body", [detail], FubErrorCodes.InvalidRequest);

    public static FubLegacyError Unauthorized(string detail) =>
        new("Invalid system credentials", [detail], FubErrorCodes.InvalidSystem);

    public static FubLegacyError AppNotFound(string detail) =>
        new("OAuth app not found", [detail], FubErrorCodes.NotFound);

    /// <summary>
    /// An OAuth error (RFC 6749 §5.2) under FUB's heading: the RFC code is the <c>errorCode</c>, so a client
    /// that knows either FUB's current RFC errors (FACTS.md) or the legacy ones can branch on it.
    /// </summary>
    public static FubLegacyError From(OAuthError error) => new(error.Code switch
    {
        "invalid_request" => "Invalid request",
        "invalid_client" => "Invalid client credentials",
        "invalid_grant" => "Invalid grant",
        "unauthorized_client" => "Client not authorized",
        // FUB's own phrase (FACTS.md).
        "unsupported_grant_type" => "Invalid grant type",
        "invalid_scope" => "Invalid scope",
        _ => "Request failed",
    }, [error.Description], error.Code);

    /// <summary>A refused Bearer credential (RFC 6750 §3.1); no credential at all has no RFC code, so it is invalid_request.</summary>
    public static FubLegacyError From(BearerError error) => error.Code is { } code
        ? new(code == "invalid_token" ? "Invalid access token" : "Invalid request", [error.Description], code)
        : new("Missing access token", [error.Description], FubErrorCodes.InvalidRequest);

    /// <summary><see cref="AppRegistry"/>'s reasons under FUB's heading for the field at fault; every reason
    /// goes in the details so a developer fixes them all in one go.</summary>
    public static FubLegacyError Invalid(IReadOnlyDictionary<string, string[]> errors)
    {
        var details = errors.SelectMany(e => e.Value).ToArray();
        if (errors.ContainsKey(AppFields.RedirectUris))
        {
            return new("Redirect URI is invalid", details, FubErrorCodes.InvalidRedirectUri);
        }
        return errors.ContainsKey(AppFields.Name)
            ? new("Name is invalid", details, FubErrorCodes.InvalidName)
            : new("Invalid params", details, FubErrorCodes.InvalidRequest);
    }
}

/// <summary>The <c>errorCode</c> strings. FUB documents the field as a string but its code list is not
/// public here, so these follow RFC 6749's snake_case style (README, "Profiles: fub").</summary>
public static class FubErrorCodes
{
    /// <summary>400: the body is not JSON of the expected shape, or a required parameter is missing.</summary>
    public const string InvalidRequest = "invalid_request";
    /// <summary>400: a redirect URI broke <see cref="RedirectUriRules"/> (seed 000: no localhost).</summary>
    public const string InvalidRedirectUri = "invalid_redirect_uri";
    /// <summary>400: the app name is unacceptable.</summary>
    public const string InvalidName = "invalid_name";
    /// <summary>401: X-System / X-System-Key missing, unknown or wrong.</summary>
    public const string InvalidSystem = "invalid_system";
    /// <summary>404: no app of this Registered System has that client id.</summary>
    public const string NotFound = "not_found";
}
