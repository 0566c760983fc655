namespace Latchkey.Hosting;

/// <summary>
/// Keeps credentials that travel in URLs out of the logs (DESIGN.md rule 4). ASP.NET Core's request log,
/// category <c>Microsoft.AspNetCore.Hosting.Diagnostics</c> at Information, writes each request's URL with
/// its query: "Request starting HTTP/1.1 GET http://…/oauth/token?grant_type=auth_code&amp;code=…", and the
/// same again when it finishes. FUB's legacy token request carries codes and refresh tokens right there
/// (seed 001), so that category is held at Warning, whatever the configuration says; its warnings and
/// startup errors still show. Nothing narrower exists: a log filter sees a provider, a category and a
/// level, never the request. Latchkey's own code logs no URL.
/// </summary>
public static class CredentialSafeLogging
{
    public const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static IServiceCollection AddCredentialSafeLogging(this IServiceCollection services) =>
        services.PostConfigure<LoggerFilterOptions>(HoldRequestLogAtWarning);

    /// <summary>
    /// Microsoft.Extensions.Logging picks one rule per provider and category: one naming the provider over one
    /// that does not, then the longest matching category pattern, then the last. So, after every configured
    /// rule (post-configuration also runs after each reload), one rule is added per provider that configuration
    /// names, and one for all, each with the longest pattern that can match the category: its full name plus
    /// the one wildcard allowed. No <c>Logging:…:LogLevel</c> setting, however specific, wins over them.
    /// </summary>
    private static void HoldRequestLogAtWarning(LoggerFilterOptions options)
    {
        foreach (var provider in options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList())
        {
            options.Rules.Add(new LoggerFilterRule(provider, RequestLogCategory + "*", LogLevel.Warning, filter: null));
        }
    }
}
