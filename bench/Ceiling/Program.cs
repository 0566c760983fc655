using System.Text.Json.Serialization;

// The ceiling of bench/run.sh (issue 5): Kestrel reading a small form POST and answering a small JSON body,
// with no logging below Warning (as Latchkey's appsettings.json for ASP.NET Core) and nothing else. Every
// scenario is reported as a ratio to this figure, measured in the same run on the same loaded cores.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();
// As long as a Latchkey access token, so the response is the size of a real one.
var accessToken = "lkat_" + new string('x', 49);
app.MapPost("/token", async (HttpRequest request) =>
{
    var form = await request.ReadFormAsync();
    return form.ContainsKey("grant_type")
        ? Results.Json(new CeilingResponse(accessToken, "Bearer", 3600), CeilingJson.Default.CeilingResponse)
        : Results.BadRequest();
});
await app.RunAsync();

internal sealed record CeilingResponse(string AccessToken, string TokenType, int ExpiresIn);

[JsonSerializable(typeof(CeilingResponse))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class CeilingJson : JsonSerializerContext;
