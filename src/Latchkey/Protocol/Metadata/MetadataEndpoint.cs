using System.Text.Json.Serialization;
using Latchkey.Scopes;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Latchkey.Protocol.Metadata;

/// <summary>
/// <c>GET /.well-known/oauth-authorization-server</c> (RFC 8414 §3): what a client needs to talk to
/// this server without configuration. The issuer is the one <c>iss</c> carries (RFC 9207 §2.3).
/// </summary>
public static class MetadataEndpoint
{
    public const string Path = "/.well-known/oauth-authorization-server";

    public static IEndpointRouteBuilder MapMetadataEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Handle).ExcludeFromDescription();
        return routes;
    }

    private static Ok<AuthorizationServerMetadata> Handle(HttpRequest request, Issuer issuer, ScopeCatalogues catalogues)
    {
        var root = issuer.For(request);
        // RFC 6749 §2.3 at the token and revocation endpoints; a public client ("none") may revoke its own
        // tokens (RFC 7009 §2.1), but introspection always needs credentials (RFC 7662 §2.1).
        string[] clientAuthentication = ["client_secret_basic", "client_secret_post", "none"];
        return TypedResults.Ok(new AuthorizationServerMetadata(
            Issuer: root,
            AuthorizationEndpoint: root + "/oauth/authorize",
            TokenEndpoint: root + "/oauth/token",
            RevocationEndpoint: root + "/oauth/revoke",
            IntrospectionEndpoint: root + "/oauth/introspect",
            ScopesSupported: [.. catalogues.Advertised.Select(s => s.Name)],
            ResponseTypesSupported: ["code"],
            ResponseModesSupported: ["query"],
            GrantTypesSupported: ["authorization_code", "refresh_token", "client_credentials"],
            CodeChallengeMethodsSupported: [Pkce.S256],
            TokenEndpointAuthMethodsSupported: clientAuthentication,
            RevocationEndpointAuthMethodsSupported: clientAuthentication,
            IntrospectionEndpointAuthMethodsSupported: ["client_secret_basic", "client_secret_post"],
            AuthorizationResponseIssParameterSupported: true));
    }
}

/// <summary>RFC 8414 §2 names; RFC 9207 §3 for the last.</summary>
public sealed record AuthorizationServerMetadata(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("authorization_endpoint")] string AuthorizationEndpoint,
    [property: JsonPropertyName("token_endpoint")] string TokenEndpoint,
    [property: JsonPropertyName("revocation_endpoint")] string RevocationEndpoint,
    [property: JsonPropertyName("introspection_endpoint")] string IntrospectionEndpoint,
    [property: JsonPropertyName("scopes_supported")] IReadOnlyList<string> ScopesSupported,
    [property: JsonPropertyName("response_types_supported")] IReadOnlyList<string> ResponseTypesSupported,
    [property: JsonPropertyName("response_modes_supported")] IReadOnlyList<string> ResponseModesSupported,
    [property: JsonPropertyName("grant_types_supported")] IReadOnlyList<string> GrantTypesSupported,
    [property: JsonPropertyName("code_challenge_methods_supported")] IReadOnlyList<string> CodeChallengeMethodsSupported,
    [property: JsonPropertyName("token_endpoint_auth_methods_supported")] IReadOnlyList<string> TokenEndpointAuthMethodsSupported,
    [property: JsonPropertyName("revocation_endpoint_auth_methods_supported")] IReadOnlyList<string> RevocationEndpointAuthMethodsSupported,
    [property: JsonPropertyName("introspection_endpoint_auth_methods_supported")] IReadOnlyList<string> IntrospectionEndpointAuthMethodsSupported,
    [property: JsonPropertyName("authorization_response_iss_parameter_supported")] bool AuthorizationResponseIssParameterSupported);
