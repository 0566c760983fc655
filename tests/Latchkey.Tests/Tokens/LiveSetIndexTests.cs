using System.Data.Common;
using Latchkey.Storage;
using Latchkey.Tests.Infrastructure;
using Latchkey.Tokens;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Latchkey.Tests.Tokens;

/// <summary>
/// Every statement that revokes a live set or family seeks through the index of live rows (IX_tokens_InstallationId_Live):
/// through the index of all an installation's rows it would read every token the installation was ever issued, on each
/// token request. Read from each database's own plan.
/// </summary>
public sealed class LiveSetIndexTests
{
    private const string LiveIndex = "IX_tokens_InstallationId_Live";

    public static TheoryData<DatabaseKind, string, object?[]> Statements()
    {
        var data = new TheoryData<DatabaseKind, string, object?[]>();
        foreach (var kind in new[] { DatabaseKind.Sqlite, DatabaseKind.Postgres })
        {
            var installation = Guid.CreateVersion7();
            var family = Guid.CreateVersion7();
            var now = DateTimeOffset.UtcNow;
            data.Add(kind, TokenStatements.RevokeLiveTokensOfInstallation, [installation, now]);
            data.Add(kind, TokenStatements.RevokeLiveTokensOfFamily, [installation, family, now]);
            data.Add(kind, TokenStatements.RevokeLiveAccessTokensOfFamily, [installation, family, now, nameof(TokenKind.AccessToken)]);
        }
        return data;
    }

    [Theory, MemberData(nameof(Statements))]
    public async Task RevokingStatement_SeeksTheLiveRowsIndex(DatabaseKind kind, string sql, object?[] values)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);

        var plan = await server.WithDbAsync(db => PlanAsync(db, kind, sql, values));

        Assert.Contains(LiveIndex, plan, StringComparison.Ordinal);
    }

    /// <summary>
    /// The database's plan for <paramref name="sql"/>, as text. PostgreSQL plans an empty table as a sequential scan, so
    /// it is told to avoid one: of the indexes it may then use, it must pick the live rows'.
    /// </summary>
    private static async Task<string> PlanAsync(LatchkeyDbContext db, DatabaseKind kind, string sql, object?[] values)
    {
        await db.Database.OpenConnectionAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var connection = db.Database.GetDbConnection();
        DbCommand command;
        if (kind == DatabaseKind.Sqlite)
        {
            var sqlite = PositionalCommands.Sqlite((SqliteConnection)connection, "EXPLAIN QUERY PLAN " + sql, values.Length);
            PositionalCommands.Bind(sqlite, values);
            command = sqlite;
        }
        else
        {
            await using (var noSeqScan = new NpgsqlCommand("SET LOCAL enable_seqscan = off", (NpgsqlConnection)connection))
            {
                await noSeqScan.ExecuteNonQueryAsync();
            }
            command = await PositionalCommands.PostgresAsync((NpgsqlConnection)connection, null, "EXPLAIN " + sql, values, default);
        }
        command.Transaction = transaction.GetDbTransaction();
        await using (command)
        {
            var lines = new List<string>();
            await using var rows = await command.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                lines.Add(rows.GetString(rows.FieldCount - 1));
            }
            return string.Join('\n', lines);
        }
    }
}
