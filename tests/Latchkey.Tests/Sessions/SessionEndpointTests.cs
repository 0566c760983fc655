using System.Text;
using System.Text.Json;
using Latchkey.Profiles;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Sessions;

/// <summary><c>GET /api/v1/session</c>: who an access token acts as (FeatureOS's <c>session_info</c>), and RFC 6750's errors.</summary>
public sealed class SessionEndpointTests(TokenServer shared) : IClassFixture<TokenServer>
{
    private const string Path = "/api/v1/session";
    private LatchkeyTestServer Server => shared.Server;
    private TestClient Client => shared.Client;

    private static HttpRequestMessage Get(params string[] authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Path);
        if (authorization.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return request;
    }

    private static async Task<JsonElement> AssertSessionAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        return body;
    }

    /// <summary>RFC 6750 §3: a Bearer challenge, with an error code unless no credentials came at all (§3.1), in ASCII
    /// without quotes inside the description; the body says the same in FeatureOS's error shape.</summary>
    private static async Task<string> AssertChallengeAsync(HttpResponseMessage response, HttpStatusCode status, string? error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var challenge = Assert.Single(response.Headers.GetValues("WWW-Authenticate"));
        Assert.StartsWith("Bearer realm=\"latchkey\"", challenge, StringComparison.Ordinal);
        Assert.All(challenge, c => Assert.InRange(c, ' ', '~'));
        var body = await response.JsonAsync();
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        var message = body.GetProperty("message").GetString()!;
        if (error is null)
        {
            Assert.DoesNotContain("error=", challenge, StringComparison.Ordinal);
            return message;
        }
        Assert.Equal($"Bearer realm=\"latchkey\", error=\"{error}\", error_description=\"{message}\"", challenge);
        Assert.DoesNotContain('"', message);
        return message;
    }

    [Fact]
    public async Task ActorSelf_ShowsTheUserTheOrganizationTheAppAndTheScopes()
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        var body = await AssertSessionAsync(await http.SessionAsync(access));

        Assert.Equal(["success", "user", "actor", "app", "organization", "scopes"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Client.UserId, body.GetProperty("user").GetProperty("id").GetGuid());
        Assert.EndsWith("@example.com", body.GetProperty("user").GetProperty("email").GetString(), StringComparison.Ordinal);
        Assert.Equal("self", body.GetProperty("actor").GetString());
        Assert.Equal(Client.App.ClientId, body.GetProperty("app").GetProperty("client_id").GetString());
        Assert.Equal(Client.App.Name, body.GetProperty("app").GetProperty("name").GetString());
        Assert.Equal(Client.OrganizationId, body.GetProperty("organization").GetProperty("id").GetGuid());
        Assert.Equal(SeedTokens.Scopes.Split(' '), body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task ActorApp_HasNoUser()
    {
        using var http = Server.CreateClient();

        var body = await AssertSessionAsync(await http.SessionAsync(await Server.AppTokenAsync(Client)));

        Assert.Equal(JsonValueKind.Null, body.GetProperty("user").ValueKind);
        Assert.Equal("app", body.GetProperty("actor").GetString());
        Assert.Equal(Client.OrganizationId, body.GetProperty("organization").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task AFeatureOsToken_Works()
    {
        using var http = Server.CreateClient();
        var client = await Server.ClientAsync(ProfileName.FeatureOs);
        var (access, _) = await Server.SelfTokensAsync(client);

        await AssertSessionAsync(await http.SessionAsync(access));
    }

    /// <summary>RFC 9110 §11.1: the scheme is case-insensitive.</summary>
    [Theory]
    [InlineData("bearer")]
    [InlineData("BEARER")]
    public async Task TheScheme_IsCaseInsensitive(string scheme)
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);

        await AssertSessionAsync(await http.SendAsync(Get($"{scheme} {access}")));
    }

    /// <summary>RFC 6750 §3.1: a request without a Bearer credential gets a challenge with no error code.</summary>
    [Theory]
    [InlineData("no_header")]
    [InlineData("basic_credentials")]
    [InlineData("another_scheme")]
    public async Task NoBearerCredential_Is401_WithoutAnErrorCode(string @case)
    {
        using var http = Server.CreateClient();
        using var request = @case switch
        {
            "basic_credentials" => Get("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Client.App.ClientId}:{Client.Secret}"))),
            "another_scheme" => Get("Token abc"),
            _ => Get(),
        };

        await AssertChallengeAsync(await http.SendAsync(request), HttpStatusCode.Unauthorized, null);
    }

    /// <summary>RFC 6750 §3.1: a malformed request is 400 invalid_request.</summary>
    [Theory]
    [InlineData("scheme_only")]
    [InlineData("scheme_and_spaces")]
    [InlineData("two_tokens")]
    [InlineData("header_sent_twice")]
    [InlineData("token_in_the_query")]
    [InlineData("token_in_the_query_too")]
    [InlineData("token_in_a_form_body")]
    public async Task AMalformedRequest_Is400_InvalidRequest(string @case)
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);
        using var request = @case switch
        {
            "scheme_only" => Get("Bearer"),
            "scheme_and_spaces" => Get("Bearer    "),
            "two_tokens" => Get($"Bearer {access} {access}"),
            "header_sent_twice" => Get($"Bearer {access}", $"Bearer {access}"),
            "token_in_the_query" => new HttpRequestMessage(HttpMethod.Get, $"{Path}?access_token={access}"),
            "token_in_the_query_too" => Get($"Bearer {access}"),
            _ => new HttpRequestMessage(HttpMethod.Get, Path) { Content = new FormUrlEncodedContent([new("access_token", access)]) },
        };
        if (@case == "token_in_the_query_too")
        {
            request.RequestUri = new Uri($"{Path}?access_token={access}", UriKind.Relative);
        }

        await AssertChallengeAsync(await http.SendAsync(request), HttpStatusCode.BadRequest, "invalid_request");
    }

    /// <summary>RFC 6750 §3.1: expired, revoked, malformed or otherwise invalid is 401 invalid_token, and the description says which.</summary>
    public static TheoryData<string, string> DeadTokens => new()
    {
        { "revoked", "The token was revoked." },
        { "expired", "The token has expired" },
        { "replaced_by_a_refresh", "The token was revoked." },
        { "uninstalled", "The app was uninstalled from this organization" },
        { "suspended_app", "The app is suspended." },
        { "refresh_token", "Refresh tokens are not accepted as Bearer tokens." },
        { "unknown", "The access token is not one this server issued." },
        { "another_profiles_unknown_token", "The access token is not one this server issued." },
        { "malformed", "The access token is not one this server issued." },
        { "broken_checksum", "The access token is not one this server issued." },
        { "oversized", "The access token is not one this server issued." },
        { "client_secret", "The access token is not one this server issued." },
        { "authorization_code", "The access token is not one this server issued." },
        { "management_key", "The access token is not one this server issued." },
    };

    [Theory, MemberData(nameof(DeadTokens))]
    public async Task ADeadOrWrongToken_Is401_InvalidToken(string @case, string description)
    {
        using var http = Server.CreateClient();
        var client = await Server.ClientAsync();
        var (access, refresh) = await Server.SelfTokensAsync(client);
        var token = @case switch
        {
            "revoked" => await RevokedAsync(client, access),
            "expired" => await Server.ExpiredAccessTokenAsync(client),
            "replaced_by_a_refresh" => await RefreshedAwayAsync(client, access, refresh),
            "uninstalled" => await UninstalledAsync(client, access),
            "suspended_app" => await SuspendedAsync(client, access),
            "refresh_token" => refresh,
            "unknown" => TokenCodec.Mint(TokenPrefixes.Default.AccessToken),
            "another_profiles_unknown_token" => TokenCodec.Mint(TokenPrefixes.FeatureOs.AccessToken),
            "malformed" => "not-a-token",
            "broken_checksum" => access[..^1] + (access[^1] == 'a' ? 'b' : 'a'),
            "oversized" => access + new string('a', 8000),
            "client_secret" => client.Secret!,
            "authorization_code" => (await Server.CodeAsync(client.App, client.OrganizationId, client.UserId)).Code,
            "management_key" => await Server.ManagementKeyAsync(client.OrganizationId),
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };

        var message = await AssertChallengeAsync(await http.SessionAsync(token), HttpStatusCode.Unauthorized, "invalid_token");

        Assert.Contains(description, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task AnotherMethodThanGet_Is405(string method)
    {
        using var http = Server.CreateClient();
        var (access, _) = await Server.SelfTokensAsync(Client);
        using var request = new HttpRequestMessage(new HttpMethod(method), Path);
        request.Headers.Authorization = new("Bearer", access);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.SendAsync(request)).StatusCode);
    }

    private async Task<string> RevokedAsync(TestClient client, string token)
    {
        using var http = Server.CreateClient();
        using var response = await http.SendAsync(OAuthClient.Form("/oauth/revoke", [new("token", token)], client.Basic));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return token;
    }

    private async Task<string> RefreshedAwayAsync(TestClient client, string token, string refresh)
    {
        await Server.RefreshAsync(client, refresh);
        return token;
    }

    private async Task<string> UninstalledAsync(TestClient client, string token)
    {
        var installation = await Server.WithDbAsync(db => db.Installations.SingleAsync(i => i.AppId == client.App.Id));
        await Server.WithScopeAsync(s => s.GetRequiredService<Latchkey.Installations.InstallationStore>().RevokeAsync(installation.Id, default));
        return token;
    }

    private async Task<string> SuspendedAsync(TestClient client, string token)
    {
        await Server.WithDbAsync(db => db.Apps.Where(a => a.Id == client.App.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, Latchkey.Apps.AppStatus.Suspended)));
        return token;
    }
}
