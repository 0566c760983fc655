using Latchkey.Storage;
using Latchkey.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Tests.Storage;

public sealed class MigrationTests
{
    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Migrate_OnAnEmptyDatabase_CreatesTheSchema(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind, empty: true);

        var run = await CliRun.RunAsync(database.ConnectionString, "migrate");

        Assert.Equal(0, run.ExitCode);
        await using var server = await AttachAsync(database);
        var applied = await server.WithDbAsync(db => db.Database.GetAppliedMigrationsAsync());
        var pending = await server.WithDbAsync(db => db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(applied);
        Assert.Empty(pending);
        Assert.Equal(0, await server.WithDbAsync(db => db.Apps.CountAsync()));
        Assert.Equal(0, await server.WithDbAsync(db => db.Organizations.CountAsync()));
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Migrate_Twice_ChangesNothingAndKeepsData(DatabaseKind kind)
    {
        await using var database = await TestDatabase.CreateAsync(kind, empty: true);
        Assert.Equal(0, (await CliRun.RunAsync(database.ConnectionString, "org", "create", "--name", "Kept")).ExitCode);

        var again = await CliRun.RunAsync(database.ConnectionString, "migrate");

        Assert.Equal(0, again.ExitCode);
        await using var server = await AttachAsync(database);
        Assert.Equal(["Kept"], await server.WithDbAsync(db => db.Organizations.Select(o => o.Name).ToListAsync()));
    }

    [Fact]
    public async Task Sqlite_RunsInWalMode()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseKind.Sqlite);
        await CliRun.RunAsync(database.ConnectionString, "migrate");
        await using var server = await AttachAsync(database);

        var mode = await server.WithDbAsync(db => db.Database.SqlQueryRaw<string>("SELECT journal_mode AS Value FROM pragma_journal_mode").SingleAsync());

        Assert.Equal("wal", mode);
    }

    [Theory, MemberData(nameof(Databases.Both), MemberType = typeof(Databases))]
    public async Task Model_HasNoChangesMissingFromTheMigrations(DatabaseKind kind)
    {
        await using var server = await LatchkeyTestServer.StartAsync(kind);

        var pendingModelChanges = await server.WithDbAsync(db => Task.FromResult(db.Database.HasPendingModelChanges()));

        Assert.False(pendingModelChanges, "the model changed without a migration: run dotnet ef migrations add for both providers");
    }

    /// <summary>A server over an existing database that must not migrate it itself.</summary>
    private static Task<LatchkeyTestServer> AttachAsync(TestDatabase database) =>
        LatchkeyTestServer.AttachAsync(database.ConnectionString);
}
