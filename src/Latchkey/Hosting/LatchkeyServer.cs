using Latchkey.Accounts;
using Latchkey.Configuration;
using Latchkey.Management.Api;
using Latchkey.Profiles.FeatureOs;
using Latchkey.Profiles.Fillout;
using Latchkey.Profiles.Fub;
using Latchkey.Profiles.Onboardbase;
using Latchkey.Protocol;
using Latchkey.Sessions;
using Latchkey.Storage;
using Latchkey.Webhooks;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Latchkey.Hosting;

/// <summary>Composes the web server. Tests build it the same way, with a test server and their own settings.</summary>
public static class LatchkeyServer
{
    /// <param name="settings">Configuration that wins over appsettings.json and the environment: the CLI's flags, a test's database.</param>
    public static WebApplicationBuilder CreateBuilder(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LatchkeyServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        var services = builder.Services;
        services.AddLatchkeyCore(builder.Configuration);
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.AddIdentityCore<User>().AddSignInManager();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/account/login";
            cookie.LogoutPath = "/account/logout";
            cookie.Cookie.Name = "latchkey.session";
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthorization();
        services.AddRazorPages(pages => pages.Conventions.AuthorizeFolder("/Portal"));
        services.AddScoped<Portal.PortalAccess>();
        services.AddScoped<Installations.InstallationDirectory>();
        services.AddAntiforgery(antiforgery => antiforgery.Cookie.Name = "latchkey.antiforgery");
        services.AddProblemDetails();
        services.AddLatchkeyProtocol();
        services.AddOnboardbase();
        services.AddFubProfile();
        services.AddCredentialSafeLogging();
        services.AddManagementApi();
        services.AddFilloutProfile();
        services.AddFeatureOs();
        services.AddWebhookDelivery();
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseLatchkeySecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapRazorPages();
        app.MapLatchkeyProtocol();
        app.MapFubProfile();
        app.MapFilloutProfile();
        app.MapFeatureOs();
        app.MapManagementApi();
        app.MapSessionEndpoint();
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
        return app;
    }

    /// <summary>Applies migrations before the server takes requests, unless the operator turned that off.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, CancellationToken ct = default)
    {
        if (!app.Services.GetRequiredService<IOptions<LatchkeyOptions>>().Value.MigrateOnStart)
        {
            return;
        }
        await using var scope = app.Services.CreateAsyncScope();
        await DatabaseMigrator.MigrateAsync(scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>(), ct);
    }
}
