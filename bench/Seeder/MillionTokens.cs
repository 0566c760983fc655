using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Latchkey.Bench.Seeder;

/// <summary>
/// Scenario 6's background: <c>count</c> live tokens, an access and a refresh token for each of count/2 installations
/// (the app as its bot in tenant organizations, one live set each, as the stores would leave them), inserted with raw
/// SQL in one transaction. Nothing ever presents them, so their hashes are random bytes rather than hashes of minted
/// tokens; every other column is copied from a token the stores issued (the <c>access</c> pool, seeded before), so
/// the rows are stored exactly as Latchkey stores them and the indexes grow as they would.
/// </summary>
internal static class MillionTokens
{
    public static async Task<int> InsertAsync(SeedArguments options)
    {
        await using var connection = new SqliteConnection(options.Database);
        await connection.OpenAsync();
        await Execute(connection, "PRAGMA cache_size=-262144;");
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();

        var appIds = new List<long>();
        await using (var reader = await Command(connection, "SELECT Id FROM apps ORDER BY Id").ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                appIds.Add(reader.GetInt64(0));
            }
        }
        var template = Command(connection, """
            SELECT t.Scopes, t.CreatedAt, t.ExpiresAt, i.GrantedScopes, i.CreatedAt
            FROM tokens t JOIN installations i ON i.Id = t.InstallationId
            WHERE t.Kind = 'AccessToken' AND t.RevokedAt IS NULL AND i.ActorMode = 'app' LIMIT 1
            """);
        string tokenScopes, installationScopes;
        long createdAt, expiresAt, installedAt;
        await using (var reader = await template.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                throw new InvalidOperationException("Seed the access pool first: its tokens are the template.");
            }
            (tokenScopes, createdAt, expiresAt, installationScopes, installedAt) =
                (reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4));
        }

        var organization = Command(connection, "INSERT INTO organizations (Id, Name, CreatedAt) VALUES ($id, $name, $at)", "$id", "$name", "$at");
        var installation = Command(connection, """
            INSERT INTO installations (Id, AppId, OrganizationId, ActorMode, UserId, ActorKey, GrantedScopes, CreatedAt, UpdatedAt)
            VALUES ($id, $app, $org, 'app', NULL, 'app', $scopes, $at, $at)
            """, "$id", "$app", "$org", "$scopes", "$at");
        var token = Command(connection, """
            INSERT INTO tokens (Hash, Kind, AppId, InstallationId, FamilyId, Scopes, CreatedAt, ExpiresAt)
            VALUES ($hash, $kind, $app, $installation, $family, $scopes, $at, $expires)
            """, "$hash", "$kind", "$app", "$installation", "$family", "$scopes", "$at", "$expires");
        installation.Parameters["$scopes"].Value = installationScopes;
        installation.Parameters["$at"].Value = installedAt;
        token.Parameters["$scopes"].Value = tokenScopes;
        token.Parameters["$at"].Value = createdAt;
        organization.Parameters["$at"].Value = installedAt;

        var installations = options.Count / 2;
        var orgId = "";
        for (var i = 0; i < installations; i++)
        {
            if (i % appIds.Count == 0)
            {
                orgId = Text(Guid.CreateVersion7());
                organization.Parameters["$id"].Value = orgId;
                organization.Parameters["$name"].Value = $"Bench bulk {i / appIds.Count}";
                await organization.ExecuteNonQueryAsync();
            }
            var installationId = Text(Guid.CreateVersion7());
            var appId = appIds[i % appIds.Count];
            installation.Parameters["$id"].Value = installationId;
            installation.Parameters["$app"].Value = appId;
            installation.Parameters["$org"].Value = orgId;
            await installation.ExecuteNonQueryAsync();
            token.Parameters["$app"].Value = appId;
            token.Parameters["$installation"].Value = installationId;
            token.Parameters["$family"].Value = Text(Guid.CreateVersion7());
            foreach (var (kind, expires) in new[] { ("AccessToken", (object)expiresAt), ("RefreshToken", DBNull.Value) })
            {
                token.Parameters["$hash"].Value = RandomNumberGenerator.GetBytes(32);
                token.Parameters["$kind"].Value = kind;
                token.Parameters["$expires"].Value = expires;
                await token.ExecuteNonQueryAsync();
            }
        }
        await transaction.CommitAsync();
        // Moves the rows from the WAL into the database file now, so the server does not meet a WAL of a million
        // rows: its first commit would checkpoint them, and every read would search the WAL index meanwhile.
        await Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        return installations * 2;
    }

    /// <summary>How EF Core's SQLite provider stores a Guid: upper-case text.</summary>
    private static string Text(Guid id) => id.ToString().ToUpperInvariant();

    private static SqliteCommand Command(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }

    private static async Task Execute(SqliteConnection connection, string sql)
    {
        await using var command = Command(connection, sql);
        await command.ExecuteNonQueryAsync();
    }
}
