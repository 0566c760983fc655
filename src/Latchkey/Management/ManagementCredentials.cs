using Latchkey.Storage;
using Latchkey.Tokens;
using Latchkey.Validation;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Management;

/// <summary>Issues and checks the organization credentials of the management APIs: API keys
/// (<c>/api/v1</c>) and FUB Registered Systems (<c>/v1/oauthApps</c>). Plaintext leaves only once, on creation.</summary>
public sealed class ManagementCredentials(LatchkeyDbContext db)
{
    public const string SystemNameField = "name";

    public async Task<string> CreateKeyAsync(Guid organizationId, CancellationToken ct)
    {
        var key = TokenCodec.Mint(TokenPrefixes.ManagementKey);
        db.ManagementKeys.Add(new ManagementKey { OrganizationId = organizationId, Hash = TokenCodec.Hash(key), Hint = TokenCodec.Hint(key) });
        await db.SaveChangesAsync(ct);
        return key;
    }

    /// <summary>The organization a live management key acts for, or null. Garbage is refused before any read.</summary>
    public async Task<Guid?> OrganizationForKeyAsync(string? presented, CancellationToken ct)
    {
        if (!TokenCodec.IsWellFormed(presented, TokenPrefixes.ManagementKey))
        {
            return null;
        }
        var hash = TokenCodec.Hash(presented!);
        return await db.ManagementKeys.AsNoTracking()
            .Where(k => k.Hash == hash && k.RevokedAt == null)
            .Select(k => (Guid?)k.OrganizationId)
            .SingleOrDefaultAsync(ct);
    }

    public async Task<Validated<(RegisteredSystem System, string Key)>> CreateSystemAsync(Guid organizationId, string name, CancellationToken ct)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            return Validated<(RegisteredSystem, string)>.Fail(SystemNameField, "A system name must be 1 to 100 printable characters.");
        }
        if (await db.RegisteredSystems.AnyAsync(s => s.Name == name, ct))
        {
            return Validated<(RegisteredSystem, string)>.Fail(SystemNameField, $"A system named '{name}' is already registered.");
        }
        var key = TokenCodec.Mint(TokenPrefixes.SystemKey);
        var system = new RegisteredSystem { OrganizationId = organizationId, Name = name, KeyHash = TokenCodec.Hash(key) };
        db.RegisteredSystems.Add(system);
        await db.SaveChangesAsync(ct);
        return Validated<(RegisteredSystem, string)>.Ok((system, key));
    }

    /// <summary>The system named <paramref name="name"/> if <paramref name="presentedKey"/> is its key (constant-time compare).</summary>
    public async Task<RegisteredSystem?> AuthenticateSystemAsync(string? name, string? presentedKey, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(name) || !TokenCodec.IsWellFormed(presentedKey, TokenPrefixes.SystemKey))
        {
            return null;
        }
        var system = await db.RegisteredSystems.AsNoTracking().SingleOrDefaultAsync(s => s.Name == name, ct);
        return system is not null
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(system.KeyHash, TokenCodec.Hash(presentedKey!))
            ? system
            : null;
    }
}
