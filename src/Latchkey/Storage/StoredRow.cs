using System.Data.Common;

namespace Latchkey.Storage;

/// <summary>A row read by SQL beside EF Core, its columns decoded as the provider stores them (<see cref="StoredValues"/>).</summary>
public readonly struct StoredRow(DbDataReader row, StoredValues values)
{
    /// <summary>Moves to the next row (to the first, the first time); false when there is none.</summary>
    public bool Next() => row.Read();

    public bool Flag(int ordinal) => row.GetBoolean(ordinal);

    public long Number(int ordinal) => row.GetInt64(ordinal);

    public string Text(int ordinal) => row.GetString(ordinal);

    public string? NullableText(int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    // Microsoft.Data.Sqlite reads EF Core's text form of a Guid with GetGuid, Npgsql a uuid.
    public Guid Id(int ordinal) => row.GetGuid(ordinal);

    public long? NullableNumber(int ordinal) => row.IsDBNull(ordinal) ? null : row.GetInt64(ordinal);

    public Guid? NullableId(int ordinal) => row.IsDBNull(ordinal) ? null : row.GetGuid(ordinal);

    public byte[] Bytes(int ordinal) => row.GetFieldValue<byte[]>(ordinal);

    public byte[]? NullableBytes(int ordinal) => row.IsDBNull(ordinal) ? null : row.GetFieldValue<byte[]>(ordinal);

    public DateTimeOffset? Time(int ordinal) => values.Time(row, ordinal);

    public string[] Strings(int ordinal) => values.Strings(row, ordinal);

    public TEnum Enum<TEnum>(int ordinal) where TEnum : struct, System.Enum => System.Enum.Parse<TEnum>(row.GetString(ordinal));
}
