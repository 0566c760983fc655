using Latchkey.Storage;
using Latchkey.Validation;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Organizations;

public sealed class OrganizationDirectory(LatchkeyDbContext db)
{
    public const string NameField = "name";

    public async Task<Validated<Organization>> CreateAsync(string name, CancellationToken ct)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            return Validated<Organization>.Fail(NameField, "An organization name must be 1 to 100 characters.");
        }
        if (await db.Organizations.AnyAsync(o => o.Name == name, ct))
        {
            return Validated<Organization>.Fail(NameField, $"An organization named '{name}' already exists.");
        }
        var org = new Organization { Name = name };
        db.Organizations.Add(org);
        await db.SaveChangesAsync(ct);
        return Validated<Organization>.Ok(org);
    }

    /// <summary>By id or by exact name: operators type whichever they have at hand.</summary>
    public Task<Organization?> FindAsync(string nameOrId, CancellationToken ct) =>
        Guid.TryParse(nameOrId, out var id)
            ? db.Organizations.SingleOrDefaultAsync(o => o.Id == id, ct)
            : db.Organizations.SingleOrDefaultAsync(o => o.Name == nameOrId, ct);

    /// <summary>The organizations a user belongs to, with their role in each.</summary>
    public async Task<IReadOnlyList<(Organization Organization, OrganizationRole Role)>> ForUserAsync(Guid userId, CancellationToken ct)
    {
        var rows = await (
            from m in db.Memberships.AsNoTracking()
            join o in db.Organizations.AsNoTracking() on m.OrganizationId equals o.Id
            where m.UserId == userId
            orderby o.Name
            select new { Organization = o, m.Role }).ToListAsync(ct);
        return [.. rows.Select(r => (r.Organization, r.Role))];
    }
}
