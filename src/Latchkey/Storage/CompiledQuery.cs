using System.Collections.Concurrent;

namespace Latchkey.Storage;

/// <summary>
/// A query on a hot path, compiled once (<c>EF.CompileAsyncQuery</c>) instead of translated and looked up in EF Core's
/// query cache on every call, which cost more CPU than running it (README "Benchmarks"). EF Core binds a compiled query
/// to one model, and each provider has its own (<see cref="SqliteLatchkeyDbContext"/>, <see cref="PostgresLatchkeyDbContext"/>),
/// so it is compiled once per context type: one in a server, both where tests run the two providers in one process.
/// </summary>
internal sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : Delegate
{
    private readonly ConcurrentDictionary<Type, TQuery> byContextType = new();

    public TQuery For(LatchkeyDbContext db) => byContextType.GetOrAdd(db.GetType(), _ => compile());
}
