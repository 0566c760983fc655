namespace Latchkey.Apps;

/// <summary>A secret at the only moment its plaintext exists: just minted, about to be shown once.</summary>
public sealed record IssuedSecret(ClientSecret Row, string Plaintext);

/// <summary>A new app with its first secret (null for a public client).</summary>
public sealed record CreatedApp(App App, IssuedSecret? Secret);
