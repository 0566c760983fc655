using Latchkey.Profiles;
using Latchkey.Profiles.Fillout;
using Latchkey.Profiles.Onboardbase;
using Latchkey.Revocations;
using Latchkey.Scopes;
using Latchkey.Storage;
using Latchkey.Tokens;

namespace Latchkey.Configuration;

/// <summary>The <c>Latchkey</c> configuration section. Every CLI option of <c>serve</c> lands here too,
/// so appsettings.json, <c>Latchkey__*</c> environment variables and flags all mean the same thing.</summary>
public sealed class LatchkeyOptions
{
    public const string Section = "Latchkey";
    public const string DefaultDatabase = "Data Source=latchkey.db";

    /// <summary>ADO.NET connection string: <c>Data Source=…</c> is SQLite, <c>Host=…</c> is PostgreSQL.</summary>
    public string Database { get; set; } = DefaultDatabase;

    /// <summary>When an SQLite commit waits for the disk; ignored on PostgreSQL.</summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;

    /// <summary>Public base URL of this server; the OAuth issuer (RFC 8414 §2). Empty: the request's own origin.</summary>
    public string? Issuer { get; set; }

    /// <summary>The deployment's default wire profile; each app may record its own.</summary>
    public ProfileName Profile { get; set; } = ProfileName.Standard;

    /// <summary>Apply pending migrations when <c>serve</c> starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>How long a rotated-out client secret keeps working, so deployments can roll over.</summary>
    public TimeSpan SecretRotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Lifetimes of codes and tokens (DESIGN.md "Tokens").</summary>
    public TokenLifetimes Lifetimes { get; set; } = new();

    /// <summary>The Onboardbase profile's settings (seed 003).</summary>
    public OnboardbaseOptions Onboardbase { get; set; } = new();

    /// <summary>The operator's scopes: they extend every profile's catalogue (<see cref="ScopeCatalogues"/>).</summary>
    public List<ScopeDefinition> Scopes { get; set; } = [];

    /// <summary>The revocation feed's settings (<c>Latchkey:Revocations</c>).</summary>
    public RevocationFeedOptions Revocations { get; set; } = new();

    /// <summary>The Fillout profile's settings (<c>Latchkey:Fillout</c>).</summary>
    public FilloutOptions Fillout { get; set; } = new();
}
