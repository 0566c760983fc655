using Latchkey.Management;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Latchkey.Profiles.Fub;

/// <summary>
/// Authenticates FUB's app management by Registered System (seed 000: "provide your X-System and
/// X-System-Key in the request header"). An endpoint filter, not an authentication scheme, so the
/// app's default cookie scheme and its login redirects are untouched. Header names are matched
/// case-insensitively (the seed itself writes <c>x-System</c> and <c>x-system</c>).
/// </summary>
public sealed class RegisteredSystemFilter(ManagementCredentials credentials) : IEndpointFilter
{
    public const string SystemHeader = "X-System";
    public const string KeyHeader = "X-System-Key";

    private static readonly object ItemKey = new();

    /// <summary>The system this request authenticated as; only callable behind the filter.</summary>
    public static RegisteredSystem Current(HttpContext http) =>
        http.Items[ItemKey] as RegisteredSystem
        ?? throw new InvalidOperationException($"{nameof(RegisteredSystemFilter)} did not run for this endpoint.");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var name = http.Request.Headers[SystemHeader];
        var key = http.Request.Headers[KeyHeader];
        if (name.Count == 0 || key.Count == 0)
        {
            return Challenge(http, $"Send your Registered System's name in {SystemHeader} and its key in {KeyHeader}.");
        }
        // A repeated header is refused, never merged or picked from (DESIGN.md rule 3).
        var system = name.Count == 1 && key.Count == 1
            ? await credentials.AuthenticateSystemAsync(name[0], key[0], http.RequestAborted)
            : null;
        if (system is null)
        {
            // One answer for an unknown system and a wrong key, so neither is confirmed to a guesser.
            return Challenge(http, $"{SystemHeader} or {KeyHeader} is not valid.");
        }
        http.Items[ItemKey] = system;
        return await next(context);
    }

    /// <summary>RFC 9110 §15.5.2: a 401 carries a challenge; this one names the headers FUB uses.</summary>
    private static JsonHttpResult<FubLegacyError> Challenge(HttpContext http, string detail)
    {
        http.Response.Headers[HeaderNames.WWWAuthenticate] = $"{SystemHeader} realm=\"oauthApps\"";
        return TypedResults.Json(FubLegacyError.Unauthorized(detail), statusCode: StatusCodes.Status401Unauthorized);
    }
}
