using System.Security.Cryptography;
using Latchkey.Apps;
using Latchkey.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Latchkey.Webhooks;

/// <summary>
/// Minting, rotation and reading of webhook signing secrets. The format is Standard Webhooks' own
/// (<c>whsec_</c> + base64 of the key bytes), so a receiver hands it unchanged to any Standard Webhooks library.
/// Stored encrypted with Data Protection (a hash would not do: signing needs the key); never logged.
/// </summary>
public sealed class WebhookSigningSecrets(LatchkeyDbContext db, IDataProtectionProvider protection, IOptions<WebhookOptions> options, TimeProvider clock)
{
    public const string Prefix = "whsec_";
    private const int KeyBytes = 32;
    private readonly IDataProtector _protector = protection.CreateProtector("Latchkey.Webhooks.SigningSecret.v1");

    /// <summary>A first secret for a new app, added to the context unsaved: it is saved with the app, which fills in its id.</summary>
    public IssuedSigningSecret MintFor(App newApp)
    {
        var issued = Mint(newApp, 0);
        db.Add(issued.Row);
        db.Add(new WebhookSubscription { App = newApp });
        return issued;
    }

    /// <summary>
    /// A new secret; the current one keeps signing for <see cref="WebhookOptions.SigningSecretRotationOverlap"/>, so a
    /// receiver can switch without dropping a delivery. One already in its overlap ends now: at most two sign.
    /// </summary>
    public async Task<IssuedSigningSecret> RotateAsync(App app, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var secret in await LiveAsync(app.Id, now, ct))
        {
            secret.ExpiresAt = secret.ExpiresAt is null ? now + options.Value.SigningSecretRotationOverlap : now;
        }
        var issued = Mint(null, app.Id);
        db.Add(issued.Row);
        if (!await db.Set<WebhookSubscription>().AnyAsync(s => s.AppId == app.Id, ct))
        {
            db.Add(new WebhookSubscription { AppId = app.Id });
        }
        await db.SaveChangesAsync(ct);
        return issued;
    }

    /// <summary>The key bytes of each live secret, to sign a delivery with.</summary>
    public async Task<IReadOnlyList<byte[]>> SigningKeysAsync(long appId, DateTimeOffset now, CancellationToken ct) =>
        [.. (await LiveAsync(appId, now, ct)).Select(s => KeyOf(_protector.Unprotect(s.Protected)))];

    /// <summary>Standard Webhooks: the key is the base64 part after <c>whsec_</c>.</summary>
    public static byte[] KeyOf(string secret) => Convert.FromBase64String(secret[Prefix.Length..]);

    /// <summary>The app's live secrets, newest first, tracked (rotation changes them).</summary>
    private async Task<IReadOnlyList<WebhookSigningSecret>> LiveAsync(long appId, DateTimeOffset now, CancellationToken ct) =>
        [.. (await db.Set<WebhookSigningSecret>().Where(s => s.AppId == appId).OrderByDescending(s => s.Id).ToListAsync(ct))
            .Where(s => s.IsLiveAt(now))];

    private IssuedSigningSecret Mint(App? app, long appId)
    {
        var plaintext = Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));
        var row = new WebhookSigningSecret
        {
            App = app,
            AppId = appId,
            Protected = _protector.Protect(plaintext),
            Hint = plaintext[^4..],
            CreatedAt = clock.GetUtcNow(),
        };
        return new IssuedSigningSecret(row, plaintext);
    }
}
