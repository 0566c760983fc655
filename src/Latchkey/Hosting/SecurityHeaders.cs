namespace Latchkey.Hosting;

/// <summary>Headers on every response: no framing (clickjacking on login and consent, DESIGN.md rule 6),
/// no MIME sniffing, no referrer leaking codes or state to third parties.</summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseLatchkeySecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
}
