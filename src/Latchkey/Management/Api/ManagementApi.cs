using Latchkey.Installations;
using Latchkey.Webhooks;
using Microsoft.AspNetCore.Authentication;
using Scalar.AspNetCore;

namespace Latchkey.Management.Api;

/// <summary>
/// The management REST API (<c>/api/v1</c>), its OpenAPI document (<c>/openapi/v1.json</c>) and a reference
/// page over it (<c>/scalar/</c>). Everything under the prefix needs an organization management API key.
/// </summary>
public static class ManagementApi
{
    public const string Prefix = "/api/v1";

    public static IServiceCollection AddManagementApi(this IServiceCollection services)
    {
        // No default scheme is set here: the portal's Identity cookie stays the default, and only the
        // /api/v1 policy below authenticates (and challenges) with management keys.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ManagementKeyAuthentication>(ManagementKeyAuthentication.SchemeName, null);
        services.AddOpenApi(ManagementOpenApi.Configure);
        return services;
    }

    public static WebApplication MapManagementApi(this WebApplication app)
    {
        app.MapGroup(Prefix)
            .RequireAuthorization(policy => policy
                .AddAuthenticationSchemes(ManagementKeyAuthentication.SchemeName)
                .RequireAuthenticatedUser())
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .AddOpenApiOperationTransformer(ManagementOpenApi.RequireManagementKey)
            .MapAppsEndpoints()
            .MapInstallationsEndpoints()
            .MapWebhooksEndpoints();
        app.MapOpenApi();
        // Fonts off: the page then loads nothing from a third-party CDN; the script is served from the package.
        app.MapScalarApiReference(scalar => scalar
            .WithTitle("Latchkey management API")
            .DisableDefaultFonts()
            .AddPreferredSecuritySchemes(ManagementOpenApi.SecuritySchemeName));
        return app;
    }
}
