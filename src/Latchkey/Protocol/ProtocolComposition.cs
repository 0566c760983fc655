using Latchkey.Installations;
using Latchkey.Profiles;
using Latchkey.Protocol.Authorize;
using Latchkey.Protocol.Grants;
using Latchkey.Protocol.Introspection;
using Latchkey.Protocol.Metadata;
using Latchkey.Protocol.Revocation;
using Latchkey.Protocol.Token;
using Latchkey.Revocations;
using Latchkey.Sessions;
using Latchkey.Tokens;

namespace Latchkey.Protocol;

/// <summary>The OAuth endpoints and the services behind them.</summary>
public static class ProtocolComposition
{
    public static IServiceCollection AddLatchkeyProtocol(this IServiceCollection services)
    {
        services.AddSingleton<Issuer>();
        services.AddSingleton<ProfilePolicies>();
        services.AddScoped<TokenStore>();
        services.AddScoped<InstallationStore>();
        services.AddScoped<ClientAuthenticator>();
        services.AddScoped<TokenFlow>();
        services.AddScoped<IGrant, AuthorizationCodeGrant>();
        services.AddScoped<IGrant, RefreshTokenGrant>();
        services.AddScoped<IGrant, ClientCredentialsGrant>();
        services.AddScoped<AuthorizationValidator>();
        services.AddScoped<AuthorizeFlow>();
        services.AddSingleton<StandardAuthorizationDialect>();
        services.AddSingleton<AuthorizationDialects>();
        services.AddScoped<TokenLookup>();
        services.AddScoped<TokenPassphrases>();
        services.AddScoped<IntrospectionAuthenticator>();
        services.AddScoped<BearerTokenValidator>();
        services.AddRevocationFeed();
        return services;
    }

    public static IEndpointRouteBuilder MapLatchkeyProtocol(this IEndpointRouteBuilder routes)
    {
        routes.MapTokenEndpoint();
        routes.MapMetadataEndpoint();
        routes.MapRevocationEndpoint();
        routes.MapIntrospectionEndpoint();
        routes.MapRevocationFeed();
        return routes;
    }
}
