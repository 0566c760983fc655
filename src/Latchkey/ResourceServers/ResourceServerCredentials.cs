using System.Security.Cryptography;
using Latchkey.Storage;
using Latchkey.Tokens;
using Latchkey.Validation;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.ResourceServers;

/// <summary>Issues and checks resource-server credentials. The secret leaves only once, on creation.</summary>
public sealed class ResourceServerCredentials(LatchkeyDbContext db, ResourceServerCache cache, TimeProvider clock)
{
    /// <summary>Operator credentials, not app tokens: one prefix on every profile, like <see cref="TokenPrefixes.ManagementKey"/>.</summary>
    public const string ClientIdPrefix = "lkrs_";
    public const string SecretPrefix = "lkrss_";
    public const string NameField = "name";

    public async Task<Validated<(ResourceServer Server, string Secret)>> CreateAsync(string name, CancellationToken ct)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            return Validated<(ResourceServer, string)>.Fail(NameField, "A resource server name must be 1 to 100 printable characters.");
        }
        if (await db.ResourceServers.AnyAsync(s => s.Name == name, ct))
        {
            return Validated<(ResourceServer, string)>.Fail(NameField, $"A resource server named '{name}' already exists.");
        }
        var secret = TokenCodec.Mint(SecretPrefix);
        var server = new ResourceServer
        {
            Name = name,
            ClientId = TokenCodec.Mint(ClientIdPrefix),
            SecretHash = TokenCodec.Hash(secret),
            SecretHint = TokenCodec.Hint(secret),
            CreatedAt = clock.GetUtcNow(),
        };
        db.ResourceServers.Add(server);
        await db.SaveChangesAsync(ct);
        return Validated<(ResourceServer, string)>.Ok((server, secret));
    }

    /// <summary>Every introspection authenticates its caller: read when <see cref="ResourceServerCache"/> has no fresh row.</summary>
    private static readonly CompiledQuery<Func<LatchkeyDbContext, string, CancellationToken, Task<ResourceServer?>>> ByClientId = new(() =>
        EF.CompileAsyncQuery((LatchkeyDbContext db, string clientId, CancellationToken ct) =>
            db.ResourceServers.AsNoTracking().SingleOrDefault(s => s.ClientId == clientId)));

    /// <summary>True when <paramref name="clientId"/> names a resource server rather than an app.</summary>
    public static bool IsResourceServerId(string? clientId) => clientId?.StartsWith(ClientIdPrefix, StringComparison.Ordinal) == true;

    /// <summary>The live resource server these credentials belong to, or null. Garbage, an app's client id or
    /// missing credentials included, is refused before any read; the secret is compared in constant time (DESIGN.md rule 4).</summary>
    public async Task<ResourceServer?> AuthenticateAsync(string? clientId, string? secret, CancellationToken ct)
    {
        if (!TokenCodec.IsWellFormed(clientId, ClientIdPrefix) || !TokenCodec.IsWellFormed(secret, SecretPrefix))
        {
            return null;
        }
        if (!cache.TryGet(clientId, out var server))
        {
            server = await ByClientId.For(db)(db, clientId, ct);
            cache.Keep(clientId, server);
        }
        return server is { RevokedAt: null } && CryptographicOperations.FixedTimeEquals(server.SecretHash, TokenCodec.Hash(secret))
            ? server
            : null;
    }
}
