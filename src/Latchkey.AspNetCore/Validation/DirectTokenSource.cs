using System.Data.Common;
using System.Text.Json;
using Latchkey.AspNetCore.Tokens;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Latchkey.AspNetCore.Validation;

/// <summary>
/// Reads Latchkey's database directly: the server's own lookup (src/Latchkey/Tokens/TokenLookup.cs), one query on the
/// unique index of <c>tokens.Hash</c> joined to the installation and the app, as raw ADO.NET so an API beside Latchkey
/// needs neither EF Core nor Latchkey's model. It only reads; the installation's "last used" is what introspection
/// records. A test runs this query on freshly migrated databases of both providers, so a schema change cannot
/// silently break it (tests/Latchkey.Tests/AspNetCore/DirectQueryTests.cs).
/// </summary>
internal sealed class DirectTokenSource(LatchkeyAuthenticationOptions options, TimeProvider clock) : ITokenSource
{
    private const string Query = """
        SELECT t."Kind", t."Scopes", t."ExpiresAt", t."RevokedAt", t."RotatedAt",
               i."Id", i."OrganizationId", i."ActorMode", i."UserId", i."RevokedAt",
               a."ClientId", a."Status"
        FROM tokens t
        JOIN installations i ON i."Id" = t."InstallationId"
        JOIN apps a ON a."Id" = t."AppId"
        WHERE t."Hash" = @hash
        """;

    private readonly bool _postgres = IsPostgres(options.ConnectionString!);

    public async Task<ValidatedToken?> FindActiveAsync(string token, TokenHash hash, CancellationToken ct)
    {
        await using DbConnection connection = _postgres ? new NpgsqlConnection(options.ConnectionString) : new SqliteConnection(options.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = Query;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "hash";
        parameter.Value = hash.ToBytes();
        command.Parameters.Add(parameter);
        await using var row = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, ct);
        if (!await row.ReadAsync(ct))
        {
            return null;
        }
        var expiresAt = Timestamp(row, 2);
        // The server's TokenRecord.WhyInactiveAt: a live access token of a live installation of an active app.
        if (row.GetString(0) != "AccessToken" || expiresAt <= clock.GetUtcNow() || !row.IsDBNull(3) || !row.IsDBNull(4)
            || !row.IsDBNull(9) || row.GetString(11) != "Active")
        {
            return null;
        }
        var clientId = row.GetString(10);
        return new ValidatedToken(
            subject: row.IsDBNull(8) ? $"app:{clientId}" : row.GetGuid(8).ToString(),
            actor: row.GetString(7),
            organizationId: row.GetGuid(6),
            clientId: clientId,
            installationId: row.GetGuid(5),
            scopes: ScopeImplications.Expand(Scopes(row, 1)),
            expiresAt: expiresAt);
    }

    /// <summary>PostgreSQL keeps scopes as <c>text[]</c>; SQLite as EF Core's JSON array text.</summary>
    private string[] Scopes(DbDataReader row, int ordinal) =>
        _postgres ? row.GetFieldValue<string[]>(ordinal) : JsonSerializer.Deserialize<string[]>(row.GetString(ordinal)) ?? [];

    /// <summary>
    /// PostgreSQL: <c>timestamp with time zone</c>. SQLite: the 64-bit number of EF Core's <c>DateTimeOffsetToBinaryConverter</c>
    /// (src/Latchkey/Storage/SqliteLatchkeyDbContext.cs): clock ticks / 1000 shifted left 11 bits, the offset in minutes below.
    /// </summary>
    private DateTimeOffset? Timestamp(DbDataReader row, int ordinal)
    {
        if (row.IsDBNull(ordinal))
        {
            return null;
        }
        if (_postgres)
        {
            return row.GetFieldValue<DateTimeOffset>(ordinal);
        }
        var packed = row.GetInt64(ordinal);
        var offset = TimeSpan.FromMinutes((packed << 53) >> 53);
        return new DateTimeOffset((packed >> 11) * 1000, offset);
    }

    /// <summary>The server's rule (DESIGN.md "Operator interface"): <c>Host=…</c> or <c>Server=…</c> is PostgreSQL, anything else SQLite.</summary>
    private static bool IsPostgres(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(part => part.StartsWith("Host=", StringComparison.OrdinalIgnoreCase) || part.StartsWith("Server=", StringComparison.OrdinalIgnoreCase));
}
