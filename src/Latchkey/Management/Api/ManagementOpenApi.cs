using Latchkey.Tokens;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Latchkey.Management.Api;

/// <summary>What the OpenAPI document says beyond what the endpoints declare: its title and the management key scheme.</summary>
public static class ManagementOpenApi
{
    public const string SecuritySchemeName = ManagementKeyAuthentication.SchemeName;

    public static void Configure(OpenApiOptions options) =>
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Latchkey";
            document.Info.Description = "Manage an organization's OAuth apps and the apps installed in it. Authenticate with the organization's "
                + $"management API key: `Authorization: Bearer {TokenPrefixes.ManagementKey}…` (`latchkey key create --org ORG`).";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = $"An organization management API key ({TokenPrefixes.ManagementKey}…).",
            };
            return Task.CompletedTask;
        });

    /// <summary>Marks an operation as needing the management key (RFC 6750 Bearer).</summary>
    public static Task RequireManagementKey(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [],
        });
        return Task.CompletedTask;
    }
}
