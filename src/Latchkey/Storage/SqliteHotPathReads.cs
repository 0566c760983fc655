using Microsoft.Data.Sqlite;
using Microsoft.Extensions.ObjectPool;

namespace Latchkey.Storage;

/// <summary>
/// SQLite: a few connections kept open, each with its statements prepared once. SQLite runs in this process, so a query
/// is a function call that Microsoft.Data.Sqlite's async methods would run synchronously anyway. In WAL mode a reader
/// never waits for a writer, and an idle connection holds no snapshot, so kept connections do not hold back checkpoints.
/// </summary>
internal sealed class SqliteHotPathReads(string connectionString) : HotPathReads
{
    private readonly ObjectPool<Session> sessions = new DefaultObjectPoolProvider { MaximumRetained = Environment.ProcessorCount * 4 }
        .Create(new SessionPolicy(connectionString));

    public override Task<T> ReadAsync<T>(string sql, Func<StoredRow, T> read, CancellationToken ct, params object?[] keys)
    {
        var session = sessions.Get();
        T found;
        try
        {
            var command = session.Prepared(sql, keys.Length);
            PositionalCommands.Bind(command, keys);
            using var rows = command.ExecuteReader();
            found = read(new StoredRow(rows, StoredValues.Sqlite));
        }
        catch
        {
            // A connection in an unknown state is not kept.
            session.Dispose();
            throw;
        }
        // Only once the reader is done (and its statement reset): the next caller may take the session at once.
        sessions.Return(session);
        return Task.FromResult(found);
    }

    protected override void Dispose(bool disposing)
    {
        (sessions as IDisposable)?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>An open connection and the statements prepared on it, by SQL text.</summary>
    private sealed class Session(string connectionString) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> prepared = new(StringComparer.Ordinal);

        private readonly SqliteConnection connection = SqliteConnectionSettings.OpenKept(connectionString, SqliteConnectionSettings.ForReader);

        public SqliteCommand Prepared(string sql, int parameters)
        {
            if (!prepared.TryGetValue(sql, out var command))
            {
                command = PositionalCommands.Sqlite(connection, sql, parameters);
                command.Prepare();
                prepared.Add(sql, command);
            }
            return command;
        }

        public void Dispose()
        {
            foreach (var command in prepared.Values)
            {
                command.Dispose();
            }
            connection.Dispose();
        }
    }

    private sealed class SessionPolicy(string connectionString) : PooledObjectPolicy<Session>
    {
        public override Session Create() => new(connectionString);

        public override bool Return(Session session) => true;
    }
}
