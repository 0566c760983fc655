using Latchkey.Tokens;

namespace Latchkey.Apps;

/// <summary>Minting and rotation of an app's secrets (DESIGN.md "Data": two live during rotation).</summary>
public static class ClientSecrets
{
    public static IssuedSecret Mint(TokenPrefixes prefixes, DateTimeOffset now)
    {
        var plaintext = TokenCodec.Mint(prefixes.ClientSecret);
        return new(new ClientSecret { Hash = TokenCodec.Hash(plaintext), Hint = TokenCodec.Hint(plaintext), CreatedAt = now }, plaintext);
    }

    /// <summary>
    /// Adds a new secret and gives the current one <paramref name="overlap"/> to live, so deployments
    /// switch without downtime. A secret already in its overlap ends now: at most two stay live.
    /// </summary>
    public static IssuedSecret Rotate(App app, TokenPrefixes prefixes, DateTimeOffset now, TimeSpan overlap)
    {
        foreach (var secret in app.Secrets.Where(s => s.IsLiveAt(now)))
        {
            secret.ExpiresAt = secret.ExpiresAt is null ? now + overlap : now;
        }
        var issued = Mint(prefixes, now);
        app.Secrets.Add(issued.Row);
        return issued;
    }

    /// <summary>True when <paramref name="presented"/> matches a live secret; compared in constant time (DESIGN.md rule 4).</summary>
    public static bool Verify(App app, string presented, DateTimeOffset now)
    {
        var hash = TokenCodec.Hash(presented);
        var match = false;
        foreach (var secret in app.Secrets)
        {
            // No early exit: the time taken does not tell which secret, if any, matched.
            match |= System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(secret.Hash, hash) && secret.IsLiveAt(now);
        }
        return match;
    }
}
