namespace Latchkey.Webhooks;

/// <summary>
/// The events Latchkey itself publishes (README "Webhooks"). An app receives one when it subscribed to it and the
/// installation granted it, like any other event; operators cannot publish these names.
/// </summary>
public static class WebhookEventTypes
{
    /// <summary>An organization (or, for actor <c>self</c>, a user in it) installed the app: the first consent.</summary>
    public const string AppInstalled = "app.installed";
    /// <summary>The installation was revoked (an org admin, the user, or FUB's revokeAccess); its tokens are dead.
    /// The last event the installation receives: deliveries still queued for it are cancelled.</summary>
    public const string AppUninstalled = "app.uninstalled";
    /// <summary>The app revoked one of its tokens (RFC 7009); a refresh token takes its family with it.</summary>
    public const string TokenRevoked = "token.revoked";
    /// <summary>A rotated refresh token was presented again, so its whole family was revoked (RFC 9700 §4.14.2).</summary>
    public const string RefreshTokenReuseDetected = "refresh_token.reuse_detected";

    public static IReadOnlySet<string> Reserved { get; } =
        new HashSet<string>(StringComparer.Ordinal) { AppInstalled, AppUninstalled, TokenRevoked, RefreshTokenReuseDetected };
}
