using Latchkey.Apps;
using Latchkey.Portal;
using Latchkey.Webhooks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Latchkey.Pages.Portal.Apps;

/// <summary>
/// An app's webhook for an admin or owner of its organization (README "Webhooks"): whether deliveries go out and why
/// not, the signing secrets (rotate: the new one shown once), and the delivery log with every attempt, to redeliver
/// from. The app is looked up again on every request among the user's own organizations, as on the app's page.
/// </summary>
public sealed class WebhookModel(PortalAccess access, AppRegistry registry, WebhookLog log) : PageModel
{
    public const int PageSize = 50;

    public App App { get; private set; } = null!;

    public WebhookSubscription? Subscription { get; private set; }

    public IReadOnlyList<WebhookSigningSecret> Secrets { get; private set; } = [];

    public IReadOnlyList<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)> Deliveries { get; private set; } = [];

    /// <summary>Set by a rotation: the new signing secret, shown once in place of the page.</summary>
    public ShownSecret? Rotated { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public async Task<IActionResult> OnGetAsync([FromRoute] string clientId, CancellationToken ct)
    {
        if (await FindAsync(clientId, ct) is { } refusal)
        {
            return refusal;
        }
        Subscription = await log.SubscriptionAsync(App.Id, ct);
        Secrets = await log.SecretsAsync(App.Id, ct);
        Deliveries = await log.ListAsync(App.Id, null, PageSize, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync([FromRoute] string clientId, CancellationToken ct)
    {
        if (await FindAsync(clientId, ct) is { } refusal)
        {
            return refusal;
        }
        var issued = await registry.RotateWebhookSecretAsync(App, ct);
        // Rendered here, not redirected to: the secret never travels in a URL or a cookie.
        ShownSecret.PreventCaching(Response);
        Rotated = new ShownSecret("New webhook signing secret", App.Name, App.ClientId, null, issued.Plaintext);
        return Page();
    }

    public async Task<IActionResult> OnPostEnableAsync([FromRoute] string clientId, CancellationToken ct)
    {
        if (await FindAsync(clientId, ct) is { } refusal)
        {
            return refusal;
        }
        await log.EnableAsync(App.Id, ct);
        Notice = "Deliveries are enabled again. Events cancelled while they were disabled can be redelivered below.";
        return Back(clientId);
    }

    public async Task<IActionResult> OnPostRedeliverAsync([FromRoute] string clientId, string deliveryId, CancellationToken ct)
    {
        if (await FindAsync(clientId, ct) is { } refusal)
        {
            return refusal;
        }
        if (WebhookIds.ParseMessage(deliveryId) is not { } id || await log.FindAsync(App.Id, id, ct) is null)
        {
            return NotFound();
        }
        Notice = await log.RedeliverAsync(App.Id, id, ct)
            ? $"Delivery {deliveryId} is queued again."
            : $"Delivery {deliveryId} is still pending: it will be attempted as scheduled.";
        return Back(clientId);
    }

    /// <returns>Null when the user may manage the app, now in <see cref="App"/>; otherwise the refusal. The webhook's state is
    /// read by GET alone: every POST redirects back to it, or shows only a new secret.</returns>
    private async Task<IActionResult?> FindAsync(string clientId, CancellationToken ct)
    {
        var (found, refusal) = await access.FindManageableAppAsync(User, clientId, ct);
        if (found is null)
        {
            return StatusCode(refusal);
        }
        App = found.App;
        return null;
    }

    private RedirectToPageResult Back(string clientId) =>
        RedirectToPage(pageName: null, pageHandler: null, routeValues: new { clientId }, fragment: "notice");
}
