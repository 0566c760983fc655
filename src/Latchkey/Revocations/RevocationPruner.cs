using Latchkey.Configuration;
using Latchkey.Hosting;
using Microsoft.Extensions.Options;

namespace Latchkey.Revocations;

/// <summary>Deletes revocation entries older than <see cref="RevocationFeedOptions.Retention"/>.</summary>
public sealed class RevocationPruner(IServiceScopeFactory scopes, IOptions<LatchkeyOptions> options, TimeProvider clock,
    ILogger<RevocationPruner> logger) : PeriodicPruner(scopes, logger)
{
    protected override string Name => "the revocation log";

    protected override Task PruneAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<RevocationLog>().PruneAsync(clock.GetUtcNow() - options.Value.Revocations.Retention, ct);
}
