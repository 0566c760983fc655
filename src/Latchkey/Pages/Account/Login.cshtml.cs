using Latchkey.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Latchkey.Pages.Account;

/// <summary>Email and password sign-in through ASP.NET Core Identity, with its lockout after repeated failures.</summary>
public sealed class LoginModel(SignInManager<User> signIn, IOptions<IdentityOptions> identity) : PageModel
{
    public const string Incorrect = "Email or password is incorrect.";
    private const string Home = "/portal";

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    /// <summary>Where to go after signing in; the cookie handler adds it when it sends a visitor here.</summary>
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
        {
            Problem = Incorrect;
            return Page();
        }
        // Users are created with their email as user name (AccountDirectory). lockoutOnFailure: each
        // wrong password counts, and after IdentityOptions.Lockout.MaxFailedAccessAttempts the account
        // refuses even the right one until the lockout ends.
        var result = await signIn.PasswordSignInAsync(Email.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            // Only a local path: anything else would make this page an open redirector (RFC 9700 §4.11).
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : Home);
        }
        // One message whether the email is unknown or the password wrong: the form does not tell which accounts exist.
        Problem = result.IsLockedOut
            ? $"This account is locked after too many failed sign-ins. Try again in {identity.Value.Lockout.DefaultLockoutTimeSpan.TotalMinutes:0} minutes."
            : Incorrect;
        return Page();
    }
}
