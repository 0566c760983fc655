using Latchkey.Organizations;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;

namespace Latchkey.Tests.Profiles.FeatureOs;

/// <summary>
/// FeatureOS's documented flow end to end, written from seed 004 and FACTS.md "FeatureOS" alone: register
/// (<c>POST /oauth/apps</c>), authorize (<c>GET /oauth/authorize</c>, JSON), consent
/// (<c>POST /oauth/authorize/consent</c> → <c>redirect_to</c>), exchange (<c>POST /oauth/token</c>), use
/// (<c>GET /api/v3/session_info</c>), refresh, uninstall. Storage carries the whole walk, so it runs on both providers.
/// </summary>
public sealed class FeatureOsFlowTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task DocumentedFlow_RegisterAuthorizeConsentExchangeUseRefreshUninstall(DatabaseKind kind)
    {
        await using var server = await ProfileKit.StartAsync(profile: null, kind: kind);
        var developer = await server.SignedInAsync(OrganizationRole.Admin, await server.OrganizationAsync("Acme Integrations"));
        var connecting = await server.SignedInAsync(OrganizationRole.Admin, await server.OrganizationAsync("Feedback Hub"));

        // 1. Register (FACTS.md "Register"): client_id and client_secret, with seed 004's prefixes, once.
        using var registered = await developer.Http.RegisterAsync("acme-integrations", $$"""
            {
              "name": "My Integration",
              "redirect_uris": ["{{FeatureOsKit.Callback}}"],
              "allowed_actor_modes": ["app", "self"],
              "declared_scopes": ["posts:read", "posts:write"],
              "description": "Syncs your feedback into Jira.",
              "logo_url": "https://myapp.example/logo.png"
            }
            """);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var app = await registered.JsonAsync();
        var clientId = app.GetProperty("client_id").GetString()!;
        var secret = app.GetProperty("client_secret").GetString()!;
        Assert.True(TokenCodec.IsWellFormed(clientId, TokenPrefixes.FeatureOs.ClientId), clientId);
        Assert.True(TokenCodec.IsWellFormed(secret, TokenPrefixes.FeatureOs.ClientSecret), "client_secret is not a fosec_ secret");

        // 2. Authorize (FACTS.md "Authorize"): the consent metadata as JSON; no response_type, as documented.
        using var metadataResponse = await connecting.Http.MetadataAsync(("client_id", clientId), ("redirect_uri", FeatureOsKit.Callback),
            ("scope", "posts:read posts:write"), ("actor", "self"), ("state", "af0ifjsldkj"));
        Assert.Equal(HttpStatusCode.OK, metadataResponse.StatusCode);
        Assert.Equal("application/json", metadataResponse.Content.Headers.ContentType?.MediaType);
        Assert.True(metadataResponse.Headers.CacheControl?.NoStore);
        var metadata = await metadataResponse.JsonAsync();
        Assert.Equal("My Integration", metadata.GetProperty("app").GetProperty("name").GetString());
        Assert.Equal("Syncs your feedback into Jira.", metadata.GetProperty("app").GetProperty("description").GetString());
        Assert.Equal("https://myapp.example/logo.png", metadata.GetProperty("app").GetProperty("logo_url").GetString());
        Assert.Equal("self", metadata.GetProperty("actor").GetString());
        Assert.Equal(["posts:read", "posts:write"], metadata.GetProperty("scopes").Strings());
        Assert.Equal("Read feature requests / feedback posts", metadata.GetProperty("scope_details").GetProperty("posts:read").GetString());
        Assert.Equal("Create, update, delete, assign posts", metadata.GetProperty("scope_details").GetProperty("posts:write").GetString());
        Assert.Equal("af0ifjsldkj", metadata.GetProperty("state").GetString());
        var eligible = Assert.Single(metadata.GetProperty("eligible_organizations").EnumerateArray());
        Assert.Equal(connecting.Organization.Id, eligible.GetProperty("id").GetGuid());
        Assert.Equal("Feedback Hub", eligible.GetProperty("name").GetString());
        Assert.Equal("feedback-hub", eligible.GetProperty("subdomain").GetString());

        // 3. Consent (FACTS.md "Consent"): redirect_to carries the code and the state.
        using var consented = await connecting.Http.ConsentAsync($$"""
            {
              "client_id": "{{clientId}}",
              "redirect_uri": "{{FeatureOsKit.Callback}}",
              "scope": "posts:read posts:write",
              "actor": "self",
              "state": "af0ifjsldkj",
              "target_organization_id": "{{eligible.GetProperty("id").GetGuid()}}"
            }
            """);
        Assert.Equal(HttpStatusCode.OK, consented.StatusCode);
        Assert.True(consented.Headers.CacheControl?.NoStore);
        var redirectTo = (await consented.JsonAsync()).GetProperty("redirect_to").GetString()!;
        Assert.StartsWith(FeatureOsKit.Callback + "?", redirectTo, StringComparison.Ordinal);
        var response = FeatureOsKit.RedirectParameters(redirectTo);
        Assert.Equal("af0ifjsldkj", response["state"]);
        Assert.Equal(FeatureOsKit.Issuer, response["iss"]);
        Assert.True(TokenCodec.IsWellFormed(response["code"], TokenPrefixes.FeatureOs.AuthorizationCode), response["code"]);

        // 4. Token exchange: foot_ access token for 24 hours (expires_in 86400), foor_ refresh token.
        var (status, tokens, exchanged) = await server.ExchangeCodeAsync(clientId, secret, response["code"]);
        using (exchanged)
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(exchanged.Headers.CacheControl?.NoStore);
        }
        var access = tokens.GetProperty("access_token").GetString()!;
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        Assert.True(TokenCodec.IsWellFormed(access, TokenPrefixes.FeatureOs.AccessToken), "access_token is not a foot_ token");
        Assert.True(TokenCodec.IsWellFormed(refresh, TokenPrefixes.FeatureOs.RefreshToken), "refresh_token is not a foor_ token");
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        Assert.Equal(86400, tokens.GetProperty("expires_in").GetInt64());
        Assert.Equal("posts:read posts:write", tokens.GetProperty("scope").GetString());

        // 5. Using the token (FACTS.md "Using tokens"): Bearer only, no API key; who and where.
        using (var session = await server.SessionInfoAsync(access))
        {
            Assert.Equal(HttpStatusCode.OK, session.StatusCode);
            var info = await session.JsonAsync();
            Assert.Equal(["success", "user", "actor", "organization"], info.EnumerateObject().Select(p => p.Name));
            Assert.True(info.GetProperty("success").GetBoolean());
            Assert.Equal(connecting.UserId.ToString(), info.GetProperty("user").GetProperty("id").GetString());
            Assert.Equal(connecting.Email, info.GetProperty("user").GetProperty("email").GetString());
            Assert.Equal(connecting.Email, info.GetProperty("user").GetProperty("name").GetString());
            Assert.Equal("self", info.GetProperty("actor").GetString());
            var organization = info.GetProperty("organization");
            Assert.Equal(connecting.Organization.Id, organization.GetProperty("id").GetGuid());
            Assert.Equal("feedback-hub", organization.GetProperty("subdomain").GetString());
            Assert.Equal("Feedback Hub", organization.GetProperty("name").GetString());
        }

        // 6. Refresh (seed 004, "Lifetimes"): a new pair; the old access token and the old refresh token stop working.
        var (refreshStatus, refreshed, refreshResponse) = await server.RefreshAsync(clientId, secret, refresh);
        refreshResponse.Dispose();
        Assert.Equal(HttpStatusCode.OK, refreshStatus);
        var newAccess = refreshed.GetProperty("access_token").GetString()!;
        var newRefresh = refreshed.GetProperty("refresh_token").GetString()!;
        Assert.True(TokenCodec.IsWellFormed(newAccess, TokenPrefixes.FeatureOs.AccessToken));
        Assert.True(TokenCodec.IsWellFormed(newRefresh, TokenPrefixes.FeatureOs.RefreshToken));
        Assert.NotEqual(refresh, newRefresh);
        Assert.Equal(86400, refreshed.GetProperty("expires_in").GetInt64());
        using (var old = await server.SessionInfoAsync(access))
        {
            await old.AssertFeatureOsErrorAsync(HttpStatusCode.Unauthorized);
        }
        using (var current = await server.SessionInfoAsync(newAccess))
        {
            Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        }

        // 7. Uninstall (seed 004, "Be ready for revocation"): 401 at once, and the refresh token is dead too.
        await server.UninstallAsync(connecting.Organization.Id, clientId);
        using (var revoked = await server.SessionInfoAsync(newAccess))
        {
            Assert.Contains("uninstalled", await revoked.AssertFeatureOsErrorAsync(HttpStatusCode.Unauthorized), StringComparison.Ordinal);
            Assert.StartsWith("Bearer", revoked.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Contains("error=\"invalid_token\"", revoked.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        var (afterStatus, afterBody, afterResponse) = await server.RefreshAsync(clientId, secret, newRefresh);
        afterResponse.Dispose();
        Assert.Equal(HttpStatusCode.BadRequest, afterStatus);
        Assert.Equal("invalid_grant", afterBody.GetProperty("error").GetString());
    }
}
