using Latchkey.Installations;
using Latchkey.Sessions;
using Latchkey.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Profiles.Fub;

/// <summary>
/// <c>DELETE /v1/oauthApps/revokeAccess</c> (FACTS.md, UNVERIFIED): an app disconnects itself from a FUB
/// user. The Registered System authenticates with <c>X-System</c>/<c>X-System-Key</c>
/// (<see cref="RegisteredSystemFilter"/>), the connection is named by one of its access tokens as a Bearer
/// credential, and the disconnect is an uninstall: the installation the token belongs to is revoked, and
/// with it every token it holds (<see cref="InstallationStore.RevokeAsync"/>).
/// </summary>
public static class FubRevokeAccess
{
    public static async Task<Results<Ok<FubSuccess>, JsonHttpResult<FubLegacyError>>> HandleAsync(
        HttpContext http, BearerTokenValidator bearer, LatchkeyDbContext db, InstallationStore installations, CancellationToken ct)
    {
        var system = RegisteredSystemFilter.Current(http);
        // Checked, not recorded as a use: a disconnect is no API call, and a refused one (another system's
        // token) must leave the installation's last use untouched. The revocation itself is stamped instead.
        var (token, error) = await bearer.CheckAsync(http.Request, ct);
        if (error is not null)
        {
            return Refuse(http, error);
        }
        // Only the system's own apps: another system's token answers as a dead one, and stays live.
        var ownApp = await db.Apps.AsNoTracking().AnyAsync(a => a.Id == token!.AppId && a.RegisteredSystemId == system.Id, ct);
        if (!ownApp || !await installations.RevokeAsync(token!.InstallationId, ct))
        {
            return Refuse(http, BearerError.InvalidToken("The access token is not one of this system's live connections."));
        }
        return TypedResults.Ok(new FubSuccess());
    }

    /// <summary>
    /// An access token that is unknown, expired, revoked, or already disconnected is a dead Bearer credential:
    /// 401 with RFC 6750's challenge and FUB's legacy body (FACTS.md: "already gone → errorMessage").
    /// </summary>
    private static JsonHttpResult<FubLegacyError> Refuse(HttpContext http, BearerError error)
    {
        http.Response.Headers.WWWAuthenticate = error.Challenge;
        return TypedResults.Json(FubLegacyError.From(error), statusCode: error.Status);
    }
}
