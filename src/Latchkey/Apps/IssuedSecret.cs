namespace Latchkey.Apps;

/// <summary>A secret at the only moment its plaintext exists: just minted, about to be shown once.</summary>
public sealed record IssuedSecret(ClientSecret Row, string Plaintext);

/// <summary>A new app with its first secret (null for a public client) and its first webhook signing secret.</summary>
public sealed record CreatedApp(App App, IssuedSecret? Secret, Webhooks.IssuedSigningSecret WebhookSecret);
