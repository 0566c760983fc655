using Latchkey.AspNetCore;
using Latchkey.Tests.Infrastructure;

namespace Latchkey.Tests.AspNetCore;

public sealed class ApiKeyFixture : ProtectedApiFixture
{
    protected override void Configure(LatchkeyAuthenticationOptions options) => options.AcceptApiKeyHeader = true;
}

/// <summary>Onboardbase clients send their API key as <c>API_KEY: &lt;key&gt;</c> (seed 003): one more way to carry the token, when enabled.</summary>
public sealed class ApiKeyHeaderTests(ApiKeyFixture fixture) : IClassFixture<ApiKeyFixture>
{
    [Fact]
    public async Task ApiKeyHeader_CarriesTheToken()
    {
        var (access, _) = await fixture.Latchkey.SelfTokensAsync(await fixture.Latchkey.ClientAsync());

        var response = await SendAsync(apiKey: access);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ApiKeyAndBearer_Is400InvalidRequest()
    {
        var (access, _) = await fixture.Latchkey.SelfTokensAsync(await fixture.Latchkey.ClientAsync());

        var response = await SendAsync(apiKey: access, bearer: access);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_request\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyHeader_WithGarbage_Is401InvalidToken()
    {
        var response = await SendAsync(apiKey: "not-a-key");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(string apiKey, string? bearer = null)
    {
        using var http = fixture.Api.CreateClient();
        var request = ProtectedApi.Request(HttpMethod.Get, "/api/posts", bearer);
        request.Headers.Add(LatchkeyDefaults.ApiKeyHeader, apiKey);
        return await http.SendAsync(request);
    }
}
