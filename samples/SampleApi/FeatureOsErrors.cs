using Latchkey.AspNetCore;

namespace SampleApi;

/// <summary>
/// FeatureOS's error body (seeds/FACTS.md "FeatureOS", "Using tokens"), in its field order:
/// <c>{"message":"Missing required OAuth scope: posts:write","status":403,"success":false}</c>.
/// </summary>
public static class FeatureOsErrors
{
    public static IResult Body(LatchkeyError error) => TypedResults.Json(
        new FeatureOsError(error.Scope is { } scope ? $"Missing required OAuth scope: {scope}" : error.Description, error.Status),
        statusCode: error.Status);
}

public sealed record FeatureOsError(string Message, int Status)
{
    public bool Success => false;
}
