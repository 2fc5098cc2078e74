using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Persistence;

/// <summary>
/// The migrations are the schema production gets: the model must not have moved on without one, and the indexes the
/// queries rely on must be what the migrations create.
/// </summary>
public sealed class MigrationsTests : IAsyncLifetime
{
    private SqliteTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await SqliteTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Model_HasNoPendingChanges_WhenComparedWithTheLastMigration()
    {
        await using var db = _database.CreateContext();

        db.Database.HasPendingModelChanges().Should().BeFalse("every change to WorkflowDbContext comes with its migration (dotnet ef migrations add)");
        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Migrate_IndexesMailsByInstance_SoTheCaseFileSeeksACasesMails()
    {
        await using var db = _database.CreateContext();
        List<Guid> ids = [Guid.NewGuid(), Guid.NewGuid()];
        // The case file's query (CaseQueries.FindAsync): the mails of the case's flows, by instance id.
        var query = db.Mails.AsNoTracking().Where(m => m.InstanceId != null && ids.Contains(m.InstanceId.Value));

        await using var command = query.CreateDbCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        await db.Database.OpenConnectionAsync();
        await using var reader = await command.ExecuteReaderAsync();
        var plan = new List<string>();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        plan.Should().ContainSingle().Which.Should().StartWith("SEARCH").And.Contain("USING INDEX IX_outgoing_mail_InstanceId (InstanceId=?)", "a SCAN would read every mail ever queued");
    }
}
