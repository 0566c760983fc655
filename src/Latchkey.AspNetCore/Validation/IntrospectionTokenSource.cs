using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Latchkey.AspNetCore.Tokens;

namespace Latchkey.AspNetCore.Validation;

/// <summary>
/// RFC 7662: <c>POST {Authority}/oauth/introspect</c> with <c>token=…</c>, authenticated as the resource server. Latchkey
/// answers a resource server about access tokens only, with <c>scope</c> already expanded by the scope implications,
/// and adds <c>org</c>, <c>actor</c> and <c>installation</c> (src/Latchkey/Protocol/Introspection/IntrospectionResponse.cs).
/// A server that cannot be reached, or answers anything but 200, is an exception, not an invalid token: the caller's
/// token may well be good, and a 401 would send its client to re-authorize for nothing.
/// </summary>
internal sealed class IntrospectionTokenSource(LatchkeyBackchannel backchannel, LatchkeyAuthenticationOptions options) : ITokenSource
{
    private static readonly Uri Endpoint = new("oauth/introspect", UriKind.Relative);

    public async Task<ValidatedToken?> FindActiveAsync(string token, TokenHash hash, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.BackchannelTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new FormUrlEncodedContent([KeyValuePair.Create("token", token)]),
        };
        request.Headers.Authorization = backchannel.Credentials;
        using var response = await backchannel.Client.SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Latchkey introspection at {backchannel.Client.BaseAddress}{Endpoint} answered {(int)response.StatusCode}; "
                + "check the resource server's ClientId and ClientSecret.", null, response.StatusCode);
        }
        var answer = await response.Content.ReadFromJsonAsync<Answer>(timeout.Token)
            ?? throw new HttpRequestException("Latchkey introspection answered an empty body.");
        return answer is { Active: true, TokenType: "Bearer", Subject: { } subject, Actor: { } actor, Organization: { } org, ClientId: { } clientId, Installation: { } installation }
            ? new ValidatedToken(subject, actor, org, clientId, installation,
                answer.Scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [],
                answer.ExpiresAt is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp) : null)
            : null;
    }

    private sealed record Answer(
        [property: JsonPropertyName("active")] bool Active,
        [property: JsonPropertyName("token_type")] string? TokenType,
        [property: JsonPropertyName("scope")] string? Scope,
        [property: JsonPropertyName("client_id")] string? ClientId,
        [property: JsonPropertyName("exp")] long? ExpiresAt,
        [property: JsonPropertyName("sub")] string? Subject,
        [property: JsonPropertyName("org")] Guid? Organization,
        [property: JsonPropertyName("actor")] string? Actor,
        [property: JsonPropertyName("installation")] Guid? Installation);
}
