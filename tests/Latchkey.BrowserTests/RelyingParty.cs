using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Http;

namespace Latchkey.BrowserTests;

/// <summary>
/// A small web app that signs its users in with Latchkey through ASP.NET Core's own OAuth handler
/// (<c>AddOAuth</c>), configured as its documentation shows for any OAuth 2 provider: three URLs, PKCE, saved
/// tokens, and a user-information call in <c>OnCreatingTicket</c>. It knows nothing else of Latchkey, so what
/// works here works for any app built the same way. It listens on its own loopback port.
/// </summary>
public sealed class RelyingParty : IAsyncDisposable
{
    public const string Scheme = "latchkey";
    public const string CallbackPath = "/signin-latchkey";
    public const string DeniedPath = "/denied";

    private readonly WebApplication _app;

    private RelyingParty(WebApplication app)
    {
        _app = app;
        Origin = app.Origin();
    }

    public string Origin { get; }

    /// <summary>
    /// Starts the app, then registers it with <paramref name="register"/>, which gets the redirect URI (known only once
    /// the port is) and returns the client. The handler reads its options at its first request, after registration.
    /// </summary>
    public static async Task<RelyingParty> StartAsync(LiveServer latchkey, string scope, Func<string, Task<RegisteredApp>> register)
    {
        var builder = WebApplication.CreateSlimBuilder().OnFreePort();
        var client = new Registration();
        builder.Services.AddSingleton(client);
        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = Scheme;
            })
            .AddCookie(cookie => cookie.Cookie.Name = "rp.session")
            .AddOAuth(Scheme, oauth =>
            {
                oauth.AuthorizationEndpoint = new Uri(latchkey.BaseAddress, "/oauth/authorize").ToString();
                oauth.TokenEndpoint = new Uri(latchkey.BaseAddress, "/oauth/token").ToString();
                oauth.UserInformationEndpoint = new Uri(latchkey.BaseAddress, "/api/v1/session").ToString();
                oauth.CallbackPath = CallbackPath;
                oauth.AccessDeniedPath = DeniedPath;
                oauth.UsePkce = true;
                oauth.SaveTokens = true;
                oauth.Scope.Add(scope);
                oauth.ClaimActions.MapJsonSubKey(ClaimTypes.NameIdentifier, "user", "id");
                oauth.ClaimActions.MapJsonSubKey(ClaimTypes.Email, "user", "email");
                oauth.ClaimActions.MapJsonSubKey("organization", "organization", "name");
                oauth.Events.OnCreatingTicket = ReadUserAsync;
            });
        builder.Services.AddOptions<OAuthOptions>(Scheme).Configure<Registration>((oauth, registration) =>
        {
            oauth.ClientId = registration.App!.ClientId;
            oauth.ClientSecret = registration.App.Secret;
        });
        builder.Services.AddAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/", ShowUserAsync).RequireAuthorization();
        app.MapGet(DeniedPath, () => Results.Content("<!doctype html><title>RP</title><h1 id=\"denied\">You did not connect Latchkey.</h1>", "text/html"));
        await app.StartAsync();

        var party = new RelyingParty(app);
        client.App = await register(party.Origin + CallbackPath);
        return party;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The user-information call the handler leaves to the app: the session endpoint, with the new access token.</summary>
    private static async Task ReadUserAsync(OAuthCreatingTicketContext context)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, context.Options.UserInformationEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.AccessToken);
        using var response = await context.Backchannel.SendAsync(request, context.HttpContext.RequestAborted);
        response.EnsureSuccessStatusCode();
        using var session = JsonDocument.Parse(await response.Content.ReadAsStringAsync(context.HttpContext.RequestAborted));
        context.RunClaimActions(session.RootElement);
    }

    /// <summary>The protected page: who is signed in, as the claims the handler made say, and the kind of token it saved.</summary>
    private static async Task<IResult> ShowUserAsync(ClaimsPrincipal user, HttpContext http)
    {
        var token = await http.GetTokenAsync("access_token");
        string Field(string id, string? value) => $"<dd id=\"{id}\">{HtmlEncoder.Default.Encode(value ?? "")}</dd>";
        return Results.Content(
            "<!doctype html><title>RP</title><h1>Signed in</h1><dl>"
            + Field("email", user.FindFirstValue(ClaimTypes.Email))
            + Field("user-id", user.FindFirstValue(ClaimTypes.NameIdentifier))
            + Field("organization", user.FindFirstValue("organization"))
            + Field("token-kind", token?.Split('_')[0])
            + "</dl>",
            "text/html");
    }

    /// <summary>The client the app is registered as, filled in once its redirect URI is known.</summary>
    private sealed class Registration
    {
        public RegisteredApp? App { get; set; }
    }
}
