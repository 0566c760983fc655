using System.Text;
using Latchkey.Organizations;

namespace Latchkey.Profiles.FeatureOs;

/// <summary>
/// FeatureOS names an organization by its subdomain (<c>X-Organization: your-org</c>, and
/// <c>organization.subdomain</c> in session_info; FACTS.md "FeatureOS"). Latchkey's organizations have a
/// unique name and no subdomain, so the subdomain is the name made URL-safe: ASCII letters and digits
/// lowercased, every other run of characters one '-', none at either end ("Acme Inc." → <c>acme-inc</c>).
/// Null when nothing is left.
/// </summary>
public static class FeatureOsSubdomain
{
    public static string? Of(Organization organization) => Of(organization.Name);

    public static string? Of(string name)
    {
        var subdomain = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                subdomain.Append(char.ToLowerInvariant(c));
            }
            else if (subdomain.Length > 0 && subdomain[^1] != '-')
            {
                subdomain.Append('-');
            }
        }
        var text = subdomain.ToString().TrimEnd('-');
        return text.Length > 0 ? text : null;
    }
}
