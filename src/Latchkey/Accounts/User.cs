using Microsoft.AspNetCore.Identity;

namespace Latchkey.Accounts;

/// <summary>A person who signs in. ASP.NET Core Identity keeps the password hash and the lockout counters.</summary>
public sealed class User : IdentityUser<Guid>
{
    public User()
    {
        Id = Guid.CreateVersion7();
        SecurityStamp = Guid.NewGuid().ToString();
    }
}
