using System.Text.Json.Serialization;
using Latchkey.AspNetCore;

// Scenario 5 of bench/run.sh (issue 5): what Latchkey.AspNetCore costs a resource server. The same small POST endpoint
// twice, /open with no authentication and /protected behind AddLatchkey() in introspection mode: after a token's first
// request every check is a cache hit, so the difference is the handler, the hash and the cache. Configured like the
// sample API (Latchkey__Authority, Latchkey__ClientId, Latchkey__ClientSecret).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddAuthentication().AddLatchkey(options => builder.Configuration.GetSection("Latchkey").Bind(options));
var app = builder.Build();
app.MapGet("/healthz", () => "ok");
app.MapPost("/open", () => Results.Json(new Post(1, "Dark mode"), BenchJson.Default.Post));
app.MapPost("/protected", () => Results.Json(new Post(1, "Dark mode"), BenchJson.Default.Post)).RequireScope("posts:read");
await app.RunAsync();

internal sealed record Post(int Id, string Title);

[JsonSerializable(typeof(Post))]
internal sealed partial class BenchJson : JsonSerializerContext;
