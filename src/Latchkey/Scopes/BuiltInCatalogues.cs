using Latchkey.Profiles;

namespace Latchkey.Scopes;

/// <summary>The scope catalogues the seed profiles bring (<see cref="ScopeCatalogues"/> adds the operator's).</summary>
public static class BuiltInCatalogues
{
    /// <summary>
    /// FeatureOS's 19 scopes (FACTS.md "FeatureOS"), in the order and with the wording of FeatureOS's
    /// "Scopes &amp; Actor Modes" page (developers.featureos.app/docs/oauth-apps/scopes); also the standard
    /// deployment's example catalogue while the operator configures none.
    /// </summary>
    public static readonly IReadOnlyList<ScopeDefinition> FeatureOs =
    [
        new("posts:read", "Read feature requests / feedback posts"),
        new("posts:write", "Create, update, delete, assign posts"),
        new("comments:read", "Read comments"),
        new("comments:write", "Create, update, delete comments"),
        new("votes:read", "Read votes"),
        new("votes:write", "Add / remove votes"),
        new("changelog:read", "Read changelog entries"),
        new("changelog:write", "Create / update changelog entries"),
        new("roadmap:read", "Read the roadmap"),
        new("articles:read", "Read knowledge base articles"),
        new("articles:write", "Create / update articles"),
        new("tags:read", "Read tags"),
        new("tags:write", "Create / update / delete tags"),
        new("collections:read", "Read knowledge base collections"),
        new("customers:read", "Read customers"),
        new("customers:write", "Add / update / delete / import customers"),
        new("member:read", "Read organization team members"),
        new("member:write", "Invite / update / remove organization team members"),
        new("webhooks:manage", "Register a webhook URL and receive event notifications"),
    ];

    /// <summary>Onboardbase seed 003, "Scopes": five actions on three resources; <c>manage.X</c> implies the rest.</summary>
    public static readonly IReadOnlyList<ScopeDefinition> Onboardbase =
    [
        .. from resource in new[] { "secrets", "projects", "teams" }
           from action in new[] { "manage", "read", "create", "update", "delete" }
           select new ScopeDefinition($"{action}.{resource}", Describe(action, resource)),
    ];

    public const string WholeAccountScope = "api";

    /// <summary>FUB and Fillout document no scopes: an app gets the whole account.</summary>
    public static readonly IReadOnlyList<ScopeDefinition> WholeAccount =
    [
        new(WholeAccountScope, "Use the API on your behalf"),
    ];

    /// <summary>The provider's own scopes; none for the standard profile, which has no provider.</summary>
    public static IReadOnlyList<ScopeDefinition> For(ProfileName profile) => profile switch
    {
        ProfileName.FeatureOs => FeatureOs,
        ProfileName.Onboardbase => Onboardbase,
        ProfileName.Fub or ProfileName.Fillout => WholeAccount,
        _ => [],
    };

    private static string Describe(string action, string resource) => action switch
    {
        "manage" => $"Create, read, update and delete {resource}",
        _ => $"{char.ToUpperInvariant(action[0])}{action[1..]} {resource}",
    };
}
