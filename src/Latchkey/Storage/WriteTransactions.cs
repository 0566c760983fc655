namespace Latchkey.Storage;

/// <summary>
/// Where a request's store work runs: in the EF Core transaction the request already has open (a profile storing more
/// beside the tokens: Onboardbase's passphrase), else as <see cref="HotPathWrites"/> work, which on
/// SQLite shares its commit with the work of the other requests queued meanwhile. Either way the work is one transaction.
/// </summary>
public sealed class WriteTransactions(LatchkeyDbContext db, HotPathWrites writes)
{
    public Task<T> RunAsync<T>(Func<WriteCommands, CancellationToken, Task<T>> work, CancellationToken ct) =>
        db.Database.CurrentTransaction is null ? writes.RunAsync(work, ct) : work(WriteCommands.Joining(db), ct);
}
