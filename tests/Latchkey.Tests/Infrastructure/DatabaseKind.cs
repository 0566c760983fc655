namespace Latchkey.Tests.Infrastructure;

public enum DatabaseKind
{
    Sqlite,
    Postgres,
}

/// <summary>Rows for a <c>[Theory]</c> that must hold on both storage providers.</summary>
public static class Databases
{
    public static TheoryData<DatabaseKind> Both => [DatabaseKind.Sqlite, DatabaseKind.Postgres];
}
