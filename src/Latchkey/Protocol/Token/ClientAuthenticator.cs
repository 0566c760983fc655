using Latchkey.Apps;
using Latchkey.Profiles;
using Latchkey.Storage;

namespace Latchkey.Protocol.Token;

/// <summary>The client a token-style request comes from, and how it proved it.</summary>
public sealed record AuthenticatedClient(App App, ClientAuthenticationMethod Method);

public enum ClientAuthenticationMethod
{
    /// <summary>RFC 6749 §2.3.1, HTTP Basic.</summary>
    ClientSecretBasic,
    /// <summary>RFC 6749 §2.3.1, credentials in the form body.</summary>
    ClientSecretPost,
    /// <summary>A public client (RFC 6749 §2.1): identified by client_id, proven by PKCE later.</summary>
    None,
}

/// <summary>
/// Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3).
/// Exactly one method per request (§2.3: "MUST NOT use more than one"); secrets compared in
/// constant time against hashes (DESIGN.md rule 4).
/// </summary>
public sealed class ClientAuthenticator(HotPathReads reads, TimeProvider clock)
{
    /// <summary>
    /// Every token, revocation and Onboardbase request starts by finding its client: the app and its secrets, as prepared
    /// SQL (<see cref="HotPathReads"/>; through EF Core this read cost about as much as issuing the tokens). One row per
    /// secret, or one with no secret columns for an app without any.
    /// </summary>
    private const string ByClientId = """
        SELECT a."Id", a."OrganizationId", a."RegisteredSystemId", a."ClientId", a."Name", a."Description", a."WebsiteUrl",
               a."LogoUrl", a."RedirectUris", a."AllowedScopes", a."AllowedActorModes", a."WebhookUrl", a."WebhookEvents",
               a."IsPublic", a."Profile", a."Status", a."CreatedAt", a."UpdatedAt",
               s."Id", s."Hash", s."Hint", s."CreatedAt", s."ExpiresAt"
        FROM apps a
        LEFT JOIN client_secrets s ON s."AppId" = a."Id"
        WHERE a."ClientId" = @p0
        """;

    private static App? ReadApp(StoredRow row)
    {
        if (!row.Next())
        {
            return null;
        }
        var app = new App
        {
            Id = row.Number(0),
            OrganizationId = row.Id(1),
            RegisteredSystemId = row.NullableId(2),
            ClientId = row.Text(3),
            Name = row.Text(4),
            Description = row.NullableText(5),
            WebsiteUrl = row.NullableText(6),
            LogoUrl = row.NullableText(7),
            RedirectUris = [.. row.Strings(8)],
            AllowedScopes = [.. row.Strings(9)],
            AllowedActorModes = [.. row.Strings(10)],
            WebhookUrl = row.NullableText(11),
            WebhookEvents = [.. row.Strings(12)],
            IsPublic = row.Flag(13),
            Profile = row.Enum<ProfileName>(14),
            Status = row.Enum<AppStatus>(15),
            CreatedAt = row.Time(16)!.Value,
            UpdatedAt = row.Time(17)!.Value,
        };
        do
        {
            if (row.NullableNumber(18) is { } secretId)
            {
                app.Secrets.Add(new ClientSecret
                {
                    Id = secretId,
                    AppId = app.Id,
                    Hash = row.Bytes(19),
                    Hint = row.Text(20),
                    CreatedAt = row.Time(21)!.Value,
                    ExpiresAt = row.Time(22),
                });
            }
        }
        while (row.Next());
        return app;
    }

    public async Task<(AuthenticatedClient? Client, OAuthError? Error)> AuthenticateAsync(
        string? authorizationHeader, OAuthParameters parameters, CancellationToken ct)
    {
        var (basicId, basicSecret, basicError) = BasicCredentials.Parse(authorizationHeader);
        if (basicError is not null)
        {
            return (null, basicError);
        }
        var bodyId = parameters["client_id"];
        var bodySecret = parameters["client_secret"];
        if (basicId is not null && bodySecret is not null)
        {
            return (null, OAuthError.InvalidRequest("Send the client secret either in the Authorization header or in the body, not both (RFC 6749 §2.3)."));
        }
        if (basicId is not null && bodyId is not null && bodyId != basicId)
        {
            return (null, OAuthError.InvalidRequest("client_id in the body differs from the one in the Authorization header."));
        }
        var clientId = basicId ?? bodyId;
        if (clientId is null)
        {
            return (null, OAuthError.InvalidClient("Client authentication is required: send HTTP Basic credentials, or client_id (and client_secret) in the body."));
        }
        var app = await reads.ReadAsync(ByClientId, ReadApp, ct, clientId);
        var secret = basicSecret ?? bodySecret;
        var method = basicId is not null ? ClientAuthenticationMethod.ClientSecretBasic
            : bodySecret is not null ? ClientAuthenticationMethod.ClientSecretPost
            : ClientAuthenticationMethod.None;
        if (app is null || app.Status != AppStatus.Active)
        {
            return (null, OAuthError.InvalidClient("Unknown client, or the client is suspended."));
        }
        if (method == ClientAuthenticationMethod.None)
        {
            return app.IsPublic
                ? (new AuthenticatedClient(app, method), null)
                : (null, OAuthError.InvalidClient("This client is confidential: authenticate with its client secret."));
        }
        if (app.IsPublic || secret is null || !ClientSecrets.Verify(app, secret, clock.GetUtcNow()))
        {
            return (null, OAuthError.InvalidClient("Client authentication failed: the client secret is wrong, expired or revoked."));
        }
        return (new AuthenticatedClient(app, method), null);
    }
}
