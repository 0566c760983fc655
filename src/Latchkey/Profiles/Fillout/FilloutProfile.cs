using Latchkey.Configuration;
using Latchkey.Protocol.Authorize;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Latchkey.Profiles.Fillout;

/// <summary>The Fillout profile (seed 002): its authorization path, token endpoint, invalidation endpoint and settings.</summary>
public static class FilloutProfile
{
    public static IServiceCollection AddFilloutProfile(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationDialect, FilloutAuthorizationDialect>();
        // The one authorization page serves Fillout's path too; the dialect recognizes requests by it.
        services.Configure<RazorPagesOptions>(pages =>
            pages.Conventions.AddPageRoute("/OAuth/Authorize", FilloutAuthorizationDialect.Path.TrimStart('/')));
        services.AddSingleton<IValidateOptions<LatchkeyOptions>, FilloutOptionsValidator>();
        return services;
    }

    public static IEndpointRouteBuilder MapFilloutProfile(this IEndpointRouteBuilder routes)
    {
        routes.MapFilloutTokenEndpoint();
        routes.MapFilloutInvalidateEndpoint();
        return routes;
    }
}

/// <summary>Refuses to start with Fillout settings that would answer clients with a broken <c>base_url</c> or dead tokens.</summary>
public sealed class FilloutOptionsValidator : IValidateOptions<LatchkeyOptions>
{
    public ValidateOptionsResult Validate(string? name, LatchkeyOptions options) =>
        options.Fillout.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
