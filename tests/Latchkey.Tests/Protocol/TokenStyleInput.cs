using System.Net.Http.Headers;
using System.Text;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;

namespace Latchkey.Tests.Protocol;

/// <summary>Bad input that the form-POST endpoints after the token endpoint (revocation, introspection) refuse alike.</summary>
public static class TokenStyleInput
{
    /// <summary>Bodies sent with good client credentials; <c>{token}</c> stands for a live token. Each is invalid_request.</summary>
    public static TheoryData<string> MalformedBodies => new()
    {
        "",
        "token=",
        "token_type_hint=access_token",
        "token={token}&token={token}",
        "token={token}&token_type_hint=access_token&token_type_hint=refresh_token",
        "token={token}&client_id=a&client_id=b",
        "token={token}&client_secret=a&client_secret=b",
        "token=" + new string('a', 5000),
        "token={token}&token_type_hint=" + new string('a', 5000),
    };

    /// <summary>Bodies past the form's limits (OAuthHttp.ReadFormAsync), named rather than shown. Each is invalid_request.</summary>
    public static TheoryData<string> OversizedBodies => new()
    {
        "body_over_64_KiB",
        "over_64_parameters",
        "parameter_name_over_256_characters",
    };

    public static string OversizedBody(string @case, string token) => @case switch
    {
        "body_over_64_KiB" => $"token={token}&padding=" + new string('a', 65 * 1024),
        "over_64_parameters" => $"token={token}&" + string.Join('&', Enumerable.Range(0, 64).Select(i => $"p{i}=x")),
        "parameter_name_over_256_characters" => $"token={token}&{new string('k', 300)}=x",
        _ => throw new ArgumentOutOfRangeException(nameof(@case)),
    };

    /// <summary>Every method but POST (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1): 405.</summary>
    public static TheoryData<string> WrongMethods => new() { "GET", "PUT", "PATCH", "DELETE" };

    /// <summary>Content types that are not a form, and none at all ("").</summary>
    public static TheoryData<string, string> WrongContentTypes => new()
    {
        { "", "token={token}" },
        { "application/json", "{\"token\":\"{token}\"}" },
        { "text/plain", "token={token}" },
        { "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\n{token}\r\n--x--" },
    };

    /// <summary>Ways to get client authentication wrong, and what each gets (RFC 6749 §2.3, §5.2).</summary>
    public static TheoryData<string, HttpStatusCode, string> WrongCredentials => new()
    {
        { "none", HttpStatusCode.Unauthorized, "invalid_client" },
        { "wrong_secret", HttpStatusCode.Unauthorized, "invalid_client" },
        { "unknown_client", HttpStatusCode.Unauthorized, "invalid_client" },
        { "another_apps_secret", HttpStatusCode.Unauthorized, "invalid_client" },
        { "client_id_without_secret", HttpStatusCode.Unauthorized, "invalid_client" },
        { "bearer_scheme", HttpStatusCode.Unauthorized, "invalid_client" },
        { "not_base64", HttpStatusCode.Unauthorized, "invalid_client" },
        { "basic_and_body_secret", HttpStatusCode.BadRequest, "invalid_request" },
    };

    public static HttpRequestMessage Raw(string path, string contentType, string body, (string Id, string Secret) basic)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = contentType.Length > 0 ? MediaTypeHeaderValue.Parse(contentType) : null;
        request.Headers.Authorization = OAuthClient.BasicHeader(basic.Id, basic.Secret);
        return request;
    }

    /// <summary>A request for <paramref name="token"/> whose credentials are wrong the way <paramref name="case"/> names.</summary>
    public static HttpRequestMessage WithWrongCredentials(string path, string @case, string token, TestClient client, TestClient other)
    {
        List<KeyValuePair<string, string>> fields = [KeyValuePair.Create("token", token)];
        (string, string)? basic = @case switch
        {
            "wrong_secret" => (client.App.ClientId, TokenCodec.Mint("lksec_")),
            "unknown_client" => (TokenCodec.Mint("lkapp_"), client.Secret!),
            "another_apps_secret" => (client.App.ClientId, other.Secret!),
            "basic_and_body_secret" => client.Basic,
            _ => null,
        };
        if (@case is "client_id_without_secret")
        {
            fields.Add(KeyValuePair.Create("client_id", client.App.ClientId));
        }
        if (@case is "basic_and_body_secret")
        {
            fields.Add(KeyValuePair.Create("client_secret", client.Secret!));
        }
        var request = OAuthClient.Form(path, fields, basic);
        request.Headers.Authorization = @case switch
        {
            "bearer_scheme" => new AuthenticationHeaderValue("Bearer", client.Secret),
            "not_base64" => new AuthenticationHeaderValue("Basic", "%%%"),
            _ => request.Headers.Authorization,
        };
        return request;
    }
}
