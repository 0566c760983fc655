using Latchkey.Protocol;
using Latchkey.Protocol.Authorize;
using Latchkey.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Tests.Protocol;

/// <summary>
/// DESIGN.md rule 5 for every profile at once: whatever dialect answers, the redirect back to the client carries
/// <c>state</c> exactly as sent and RFC 9207's <c>iss</c>, on a code and on an error, and keeps the redirect
/// URI's own query (RFC 6749 §3.1.2). A dialect added later is covered without a new test.
/// </summary>
public sealed class AuthorizationDialectTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string Issuer = "https://auth.example";
    private const string State = "{\"hi\":\"there\"} & a=b / ü";

    private static readonly RedirectToClient[] Responses =
    [
        new("https://client.example/cb?keep=1", "lkc_code", null, State),
        new("https://client.example/cb?keep=1", null, OAuthError.AccessDenied("The user denied the request."), State),
    ];

    [Fact]
    public void EveryDialect_ReturnsStateUnchanged_AndIss_OnCodesAndErrors()
    {
        var services = shared.Server.Services;
        IAuthorizationDialect[] dialects =
            [.. services.GetServices<IAuthorizationDialect>(), services.GetRequiredService<StandardAuthorizationDialect>()];
        Assert.True(dialects.Length >= 5, $"expected the standard dialect and the four profiles', found {dialects.Length}");

        foreach (var dialect in dialects)
        {
            foreach (var response in Responses)
            {
                var location = new Uri(dialect.ClientRedirect(response, Issuer));
                var query = QueryHelpers.ParseQuery(location.Query);

                var name = dialect.GetType().Name;
                Assert.Equal(("https", "client.example", "/cb"), (location.Scheme, location.Host, location.AbsolutePath));
                Assert.Equal(State, Assert.Single(query["state"].ToArray()));
                Assert.Equal(Issuer, Assert.Single(query["iss"].ToArray()));
                Assert.Equal("1", Assert.Single(query["keep"].ToArray()));
                Assert.True(response.Error is null
                    ? query["code"] == "lkc_code" && !query.ContainsKey("error")
                    : query["error"] == "access_denied" && !query.ContainsKey("code"), $"{name}: {location}");
            }
        }
    }
}
