using System.Text.Json.Serialization;
using Latchkey.Sessions;
using Latchkey.Tokens;

namespace Latchkey.Profiles.FeatureOs;

/// <summary>
/// A FeatureOS-shaped API endpoint's gate (FACTS.md "FeatureOS", "Using tokens"): a live access token in
/// <c>Authorization: Bearer</c> (<see cref="BearerTokenValidator"/>), granted every scope the endpoint names.
/// Failures answer in FeatureOS's body, <c>{message, status, success: false}</c>, with RFC 6750 §3's challenge:
/// 401 <c>invalid_token</c> for a missing, expired, revoked or uninstalled token, 403 <c>insufficient_scope</c>
/// for a token without the scope. The handler reads the token with <see cref="OAuthCaller.OAuthToken"/>.
/// </summary>
public sealed class OAuthScopeFilter(IReadOnlyList<string> scopes) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var validator = http.RequestServices.GetRequiredService<BearerTokenValidator>();
        var (token, error) = await validator.ValidateAsync(http.Request, http.RequestAborted);
        if (error is not null)
        {
            http.Response.Headers.WWWAuthenticate = error.Challenge;
            return FeatureOsError.Result(error.Description, error.Status);
        }
        if (scopes.FirstOrDefault(s => !token!.Scopes.Contains(s, StringComparer.Ordinal)) is { } missing)
        {
            // RFC 6750 §3.1: insufficient_scope, 403, and the scope needed.
            http.Response.Headers.WWWAuthenticate =
                $"Bearer realm=\"{BearerError.Realm}\", error=\"insufficient_scope\", scope=\"{missing}\"";
            return FeatureOsError.Result($"Missing required OAuth scope: {missing}", StatusCodes.Status403Forbidden);
        }
        http.SetOAuthToken(token!);
        return await next(context);
    }
}

public static class OAuthScopeRequirement
{
    /// <summary>Only requests with a live access token granted every one of <paramref name="scopes"/> reach the endpoint; none named: any live token.</summary>
    public static TBuilder RequireOAuthScope<TBuilder>(this TBuilder builder, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new OAuthScopeFilter(scopes));
}

/// <summary>The access token that passed <see cref="OAuthScopeFilter"/>. Filters run after parameter binding, so handlers read it here rather than bind it.</summary>
public static class OAuthCaller
{
    public static TokenRecord OAuthToken(this HttpContext context) =>
        context.Items[typeof(OAuthCaller)] as TokenRecord
            ?? throw new InvalidOperationException("The endpoint does not require an OAuth scope (RequireOAuthScope).");

    internal static void SetOAuthToken(this HttpContext context, TokenRecord token) => context.Items[typeof(OAuthCaller)] = token;
}

/// <summary>FeatureOS's error body, in FeatureOS's field order: <c>{"message","status","success":false}</c>.</summary>
public sealed record FeatureOsError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status")] int Status)
{
    [JsonPropertyName("success")]
    public bool Success => false;

    public static IResult Result(string message, int status) => TypedResults.Json(new FeatureOsError(message, status), statusCode: status);
}
