using Latchkey.Apps;

namespace Latchkey.Webhooks;

/// <summary>
/// A key an app's deliveries are signed with. Unlike a client secret it cannot be kept as a hash: signing needs the
/// key itself, so it is kept encrypted with ASP.NET Core Data Protection (<see cref="WebhookSigningSecrets"/>).
/// During a rotation two are live and every delivery carries both signatures.
/// </summary>
public sealed class WebhookSigningSecret
{
    public long Id { get; init; }
    public long AppId { get; init; }
    /// <summary>Set when the secret is minted with a new app, so the app's id is filled in when both are saved.</summary>
    public App? App { get; init; }
    /// <summary>The <c>whsec_…</c> secret, protected by Data Protection.</summary>
    public required string Protected { get; init; }
    public required string Hint { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; set; }

    public bool IsLiveAt(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;
}

/// <summary>A signing secret at the only moment its plaintext is shown: just minted.</summary>
public sealed record IssuedSigningSecret(WebhookSigningSecret Row, string Plaintext);
