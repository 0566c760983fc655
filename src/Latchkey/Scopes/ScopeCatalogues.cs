using Latchkey.Apps;
using Latchkey.Configuration;
using Latchkey.Profiles;
using Microsoft.Extensions.Options;

namespace Latchkey.Scopes;

/// <summary>
/// The one answer to "which scopes exist for this app": app validation, the authorization request, the
/// client_credentials grant, consent descriptions, the portal's app form and the metadata all ask here.
/// <list type="bullet">
/// <item>A seed profile's app gets its provider's catalogue (<see cref="BuiltInCatalogues"/>), whatever the
/// deployment's profile: clients written for that provider ask for those scopes, so an Onboardbase app on a
/// standard deployment can allow seed 003's scopes without the operator configuring them.</item>
/// <item>A standard app has no provider: it gets the deployment's catalogue, because the deployment's
/// profile says which API this server guards (a standard client of an Onboardbase deployment asks for
/// <c>read.secrets</c>).</item>
/// <item>The operator's scopes (<see cref="LatchkeyOptions.Scopes"/>) extend every catalogue; one that
/// names a built-in scope rewords its consent description. A provider's scopes cannot be configured away.</item>
/// <item>The standard deployment has no catalogue of its own: without configured scopes it shows
/// FeatureOS's as an example, with them exactly the configured ones.</item>
/// </list>
/// </summary>
public sealed class ScopeCatalogues(IOptions<LatchkeyOptions> options)
{
    /// <summary>The scopes an app of <paramref name="profile"/> may declare, request and be granted, with their consent descriptions.</summary>
    public IReadOnlyList<ScopeDefinition> For(ProfileName profile)
    {
        var configured = options.Value.Scopes;
        var provided = BuiltInCatalogues.For(profile == ProfileName.Standard ? options.Value.Profile : profile);
        if (provided.Count == 0)
        {
            return configured.Count > 0 ? configured : BuiltInCatalogues.FeatureOs;
        }
        return
        [
            .. provided.Select(s => configured.LastOrDefault(c => c.Name == s.Name) ?? s),
            .. configured.Where(c => !provided.Any(s => s.Name == c.Name)).DistinctBy(c => c.Name),
        ];
    }

    /// <summary>
    /// What the deployment advertises as <c>scopes_supported</c> (RFC 8414 §2): the catalogue of its own
    /// profile's apps. Apps of other profiles have theirs too; §2 lets a server leave supported scopes unlisted.
    /// </summary>
    public IReadOnlyList<ScopeDefinition> Advertised => For(options.Value.Profile);

    /// <summary>
    /// The app's allowed scopes that its catalogue still has: what it may be granted. A scope the operator
    /// has since removed from the configuration stops being grantable, though the app's settings still name it.
    /// </summary>
    public IReadOnlyList<string> Grantable(App app)
    {
        var known = For(app.Profile).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        return [.. app.AllowedScopes.Where(known.Contains)];
    }

    /// <summary>Each scope's consent description in <paramref name="profile"/>'s catalogue, by name.</summary>
    public IReadOnlyDictionary<string, string> Descriptions(ProfileName profile) =>
        For(profile).ToDictionary(s => s.Name, s => s.Description, StringComparer.Ordinal);
}
