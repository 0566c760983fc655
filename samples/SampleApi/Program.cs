using Latchkey.AspNetCore;
using SampleApi;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAuthentication().AddLatchkey(options =>
{
    // Latchkey:Authority, Latchkey:ClientId, Latchkey:ClientSecret (or Latchkey__Authority … in the environment).
    builder.Configuration.GetSection("Latchkey").Bind(options);
    options.ErrorBody = FeatureOsErrors.Body;
});
builder.Services.AddSingleton<PostStore>();

var app = builder.Build();
app.MapPosts();
app.MapSessionInfo();
app.Run();
