using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Latchkey.Storage;

/// <summary>
/// How each provider stores the values EF Core maps, for the SQL that runs beside EF Core (<see cref="HotPathReads"/>,
/// <see cref="WriteCommands"/>): the column types of the migrations, so rows written either way read the same either way.
/// </summary>
public abstract class StoredValues
{
    public static readonly StoredValues Sqlite = new SqliteStoredValues();
    public static readonly StoredValues Postgres = new PostgresStoredValues();

    /// <summary>A parameter's value as the provider stores it; other values (numbers, text, bytes, null) go in as they are.</summary>
    public abstract object Parameter(object? value);

    public abstract DateTimeOffset? Time(DbDataReader row, int ordinal);

    public abstract string[] Strings(DbDataReader row, int ordinal);

    /// <summary>
    /// SQLite: <see cref="Guid"/> as EF Core's upper-case text, <see cref="DateTimeOffset"/> as
    /// <see cref="SqliteLatchkeyDbContext"/>'s number, string lists as EF Core's JSON array.
    /// </summary>
    private sealed class SqliteStoredValues : StoredValues
    {
        private static readonly DateTimeOffsetToBinaryConverter Numbers = new();
        private static readonly Func<DateTimeOffset, long> ToNumber = Numbers.ConvertToProviderTyped;
        private static readonly Func<long, DateTimeOffset> FromNumber = Numbers.ConvertFromProviderTyped;

        public override object Parameter(object? value) => value switch
        {
            null => DBNull.Value,
            Guid id => id.ToString().ToUpperInvariant(),
            DateTimeOffset time => ToNumber(time),
            IReadOnlyList<string> strings => JsonSerializer.Serialize(strings),
            _ => value,
        };

        public override DateTimeOffset? Time(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : FromNumber(row.GetInt64(ordinal));

        public override string[] Strings(DbDataReader row, int ordinal) => JsonSerializer.Deserialize<string[]>(row.GetString(ordinal)) ?? [];
    }

    /// <summary>PostgreSQL: <c>uuid</c>, <c>timestamptz</c> and <c>text[]</c>, which Npgsql maps from the CLR types.</summary>
    private sealed class PostgresStoredValues : StoredValues
    {
        public override object Parameter(object? value) => value switch
        {
            null => DBNull.Value,
            IReadOnlyList<string> strings and not string[] => strings.ToArray(),
            _ => value,
        };

        public override DateTimeOffset? Time(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetFieldValue<DateTimeOffset>(ordinal);

        public override string[] Strings(DbDataReader row, int ordinal) => row.GetFieldValue<string[]>(ordinal);
    }
}
