using System.Text.Json.Serialization;
using Latchkey.Protocol;
using Latchkey.Protocol.Grants;

namespace Latchkey.Profiles.Onboardbase;

/// <summary>Seed 003's envelope: <c>{"data": {...}, "errors": []}</c>, or <c>{"data": null, "errors": [{"message", "code"}]}</c>.</summary>
public sealed record OnboardbaseTokenResponse(
    [property: JsonPropertyName("data")] OnboardbaseApiKey? Data,
    [property: JsonPropertyName("errors")] IReadOnlyList<OnboardbaseError> Errors);

/// <param name="ExpiresIn">An absolute Unix time, as the seed's sample (1680011776) and FACTS.md read it: when the key stops working.</param>
/// <param name="TokenType">Lower case, as in the seed.</param>
public sealed record OnboardbaseApiKey(
    [property: JsonPropertyName("api_key")] string ApiKey,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("scopes")] IReadOnlyList<string> Scopes,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("passphrase")] string Passphrase);

/// <summary>One error of seed 003's "Error Codes" table.</summary>
public sealed record OnboardbaseError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("code")] int Code)
{
    /// <summary>Seed 003, "Error Codes", in full.</summary>
    public static readonly IReadOnlyDictionary<string, int> Codes = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["invalid_request"] = 1000,
        ["unauthorized_client"] = 1100,
        ["access_denied"] = 1200,
        ["unsupported_response_type"] = 1300,
        ["invalid_scope"] = 1400,
        ["server_error"] = 1500,
        ["temporarily_unavailable"] = 1600,
        ["invalid_code"] = 1700,
        ["auth_code_expired"] = 1800,
    };

    /// <summary>
    /// The table's entry for a canonical error. The RFC's names the table lacks map to the nearest one:
    /// <c>invalid_client</c> to <c>unauthorized_client</c>; <c>invalid_grant</c> (a code unknown, used, issued to
    /// another client, or redeemed with another redirect URI) to <c>invalid_code</c>, except an expired code, which
    /// the table names; <c>unsupported_grant_type</c> and anything else to <c>invalid_request</c>.
    /// </summary>
    public static OnboardbaseError For(OAuthError error)
    {
        var message = error switch
        {
            _ when error == AuthorizationCodeGrant.CodeExpired => "auth_code_expired",
            { Code: "invalid_grant" } => "invalid_code",
            { Code: "invalid_client" } => "unauthorized_client",
            { Code: var code } when Codes.ContainsKey(code) => code,
            _ => "invalid_request",
        };
        return new OnboardbaseError(message, Codes[message]);
    }
}
