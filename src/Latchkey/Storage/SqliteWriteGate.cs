using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Latchkey.Storage;

/// <summary>
/// Queues this process's SQLite write transactions for a database file on an async gate, one at a time, before
/// they ask SQLite for its write lock (Microsoft.Data.Sqlite begins with <c>BEGIN IMMEDIATE</c>).
/// </summary>
/// <remarks>
/// SQLite has one writer at a time, and a writer that finds the lock taken waits in its busy handler, which sleeps
/// 1, 2, 5 … 100 ms between tries on a blocked thread-pool thread. Under 16 parallel token requests most waiters
/// slept through the lock's release, so the file sat unlocked between commits: 16 connections issued a third of
/// what one connection did (README "Benchmarks"). Queued here, a waiter holds no thread and gets the lock the moment
/// the previous transaction ends. The gate only orders this process's writers; SQLite's lock still decides, so other
/// processes, and writes outside a transaction, are as safe as before. A wait longer than the busy timeout goes
/// ahead without the gate (and meets SQLite's lock as before), so the gate can never hang a request that SQLite
/// would have served or timed out.
/// </remarks>
internal sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbConnectionInterceptor
{
    public static readonly SqliteWriteGate Instance = new();

    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(SqliteConnectionSettings.BusyTimeoutMilliseconds);

    private readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new(StringComparer.Ordinal);

    /// <summary>The gate each connection holds while its transaction runs.</summary>
    private readonly ConditionalWeakTable<DbConnection, SemaphoreSlim> held = [];

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result)
    {
        var gate = GateFor(connection);
        if (gate.Wait(MaxWait))
        {
            held.AddOrUpdate(connection, gate);
        }
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        var gate = GateFor(connection);
        if (await gate.WaitAsync(MaxWait, cancellationToken))
        {
            held.AddOrUpdate(connection, gate);
        }
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Release(eventData);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        Release(eventData);

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(eventData);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default) =>
        Release(eventData);

    // A transaction disposed without commit or rollback (an early return) rolls back inside SQLite and reports
    // neither; EF Core then closes the connection it opened for it. Where EF Core's count of opens went wrong (a
    // cancelled BEGIN), the request's end closes it and gives the gate back (LatchkeyDbContext.Dispose).
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    public Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData) => Release(connection);

    /// <summary>
    /// Queues a writer outside EF Core (<see cref="SqliteHotPathWrites"/>) with EF Core's, on <paramref name="connection"/>'s
    /// database file: the gate, for the caller to release, once it holds it; null when it waited the busy timeout and goes
    /// ahead without it, as an EF Core transaction would.
    /// </summary>
    internal async Task<SemaphoreSlim?> EnterAsync(SqliteConnection connection)
    {
        var gate = GateFor(connection);
        return await gate.WaitAsync(MaxWait) ? gate : null;
    }

    private SemaphoreSlim GateFor(DbConnection connection) => gates.GetOrAdd(connection.DataSource, _ => new SemaphoreSlim(1, 1));

    private Task Release(DbContextEventData eventData) =>
        eventData.Context is { } context ? Release(context.Database.GetDbConnection()) : Task.CompletedTask;

    /// <summary>Gives back the gate <paramref name="connection"/> holds, if any (also when its request ends: <see cref="LatchkeyDbContext.Dispose"/>).</summary>
    internal Task Release(DbConnection connection)
    {
        if (held.TryGetValue(connection, out var gate) && held.Remove(connection))
        {
            gate.Release();
        }
        return Task.CompletedTask;
    }
}
