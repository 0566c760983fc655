using Latchkey.Organizations;
using Latchkey.Storage;
using Latchkey.Validation;
using Microsoft.AspNetCore.Identity;

namespace Latchkey.Accounts;

/// <summary>Creates users through ASP.NET Core Identity (password rules, hashing) and their memberships, in one transaction.</summary>
public sealed class AccountDirectory(LatchkeyDbContext db, UserManager<User> users)
{
    public const string EmailField = "email";
    public const string PasswordField = "password";

    public async Task<Validated<User>> CreateAsync(string email, string password, (Guid OrganizationId, OrganizationRole Role)? membership, CancellationToken ct)
    {
        email = email.Trim();
        if (!System.Net.Mail.MailAddress.TryCreate(email, out var parsed) || parsed.Address != email)
        {
            return Validated<User>.Fail(EmailField, $"'{email}' is not an email address.");
        }
        if (await users.FindByEmailAsync(email) is not null)
        {
            return Validated<User>.Fail(EmailField, $"A user with the email '{email}' already exists.");
        }
        var user = new User { UserName = email, Email = email, EmailConfirmed = true };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            return Validated<User>.Fail(PasswordField, string.Join(" ", result.Errors.Select(e => e.Description)));
        }
        if (membership is { } m)
        {
            db.Memberships.Add(new Membership { OrganizationId = m.OrganizationId, UserId = user.Id, Role = m.Role });
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return Validated<User>.Ok(user);
    }
}
