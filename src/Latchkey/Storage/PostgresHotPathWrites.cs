using Npgsql;

namespace Latchkey.Storage;

/// <summary>
/// PostgreSQL: each piece of work in its own transaction on a connection from Npgsql's pool. The server runs writers in
/// parallel and groups their commits' WAL flushes itself, so nothing here needs to queue them.
/// </summary>
internal sealed class PostgresHotPathWrites(string connectionString) : HotPathWrites
{
    public override async Task<T> RunAsync<T>(Func<WriteCommands, CancellationToken, Task<T>> work, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var result = await work(new PostgresWriteCommands(connection, transaction), ct);
        // Not cancellable: a commit cancelled after the server made it would tell the caller nothing was done.
        await transaction.CommitAsync(CancellationToken.None);
        return result;
    }
}
