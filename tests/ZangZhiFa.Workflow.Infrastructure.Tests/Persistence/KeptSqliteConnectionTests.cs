using FluentAssertions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Persistence;

/// <summary>Units of work on pooled contexts, as the host runs them, with connections kept open between units.</summary>
public sealed class KeptSqliteConnectionTests : IAsyncLifetime
{
    private SqliteTestDatabase _database = null!;
    private KeptConnections _kept = null!;
    private PooledDbContextFactory<WorkflowDbContext> _contexts = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _kept = new KeptConnections();
        // One pooled context, so every unit below gets the same one back, as a quiet host would. (The host lends its
        // contexts per DI scope; these tests build the options directly, as every other test here does, because a
        // compiled query runs against one model and EF gives DI-registered options a model of their own.)
        _contexts = new PooledDbContextFactory<WorkflowDbContext>(
            new DbContextOptionsBuilder<WorkflowDbContext>().UseWorkflowSqlite(_database.ConnectionString, new SqlitePragmas("FULL"), _kept).Options,
            poolSize: 1);
    }

    public async Task DisposeAsync()
    {
        _kept.Dispose();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task FindInstanceAsync_SeesWhatOthersCommitted_WhenTheNextUnitRunsOnTheKeptConnection()
    {
        var id = await InUnitAsync(async store =>
        {
            var instance = NewInstance("第一版");
            store.AddInstance(instance);
            await store.SaveChangesAsync(CancellationToken.None);
            return instance.Id;
        });
        await using (var other = new SqliteConnection(_database.ConnectionString))
        {
            await other.OpenAsync();
            await using var update = other.CreateCommand();
            update.CommandText = $"UPDATE workflow_instances SET VariablesJson = '{{\"title\":\"他人修改\"}}', Revision = Revision + 1 WHERE Id = '{id.ToString().ToUpperInvariant()}'";
            (await update.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var seen = await InUnitAsync(async store => (await store.FindInstanceAsync(id, CancellationToken.None))!.VariablesJson);

        seen.Should().Contain("他人修改", "a kept connection must not hold on to an old snapshot between units");
    }

    [Fact]
    public async Task SaveChangesAsync_WorksOnTheKeptConnection_AfterTheUnitBeforeLostAConflict()
    {
        var id = await InUnitAsync(async store =>
        {
            var instance = NewInstance("原始");
            store.AddInstance(instance);
            await store.SaveChangesAsync(CancellationToken.None);
            return instance.Id;
        });

        // This unit reads, someone else commits, this unit's save must fail and roll back.
        var conflict = async () => await InUnitAsync(async store =>
        {
            var instance = (await store.FindInstanceAsync(id, CancellationToken.None))!;
            await using (var other = _database.CreateContext())
            {
                var theirs = await other.Instances.SingleAsync(i => i.Id == id);
                theirs.VariablesJson = "{\"title\":\"先到\"}";
                theirs.Revision++;
                await other.SaveChangesAsync();
            }

            instance.VariablesJson = "{\"title\":\"后到\"}";
            instance.Revision++;
            await store.SaveChangesAsync(CancellationToken.None);
            return 0;
        });
        await conflict.Should().ThrowAsync<ConcurrencyConflictException>();

        var after = await InUnitAsync(async store =>
        {
            store.AddInstance(NewInstance("冲突之后"));
            await store.SaveChangesAsync(CancellationToken.None);
            return (await store.FindInstanceAsync(id, CancellationToken.None))!.VariablesJson;
        });

        after.Should().Contain("先到");
        await using var check = _database.CreateContext();
        (await check.Instances.CountAsync()).Should().Be(2, "the rolled-back unit wrote nothing and the next one committed");
    }

    [Fact]
    public async Task SaveChangesAsync_Commits_WhenAnEarlierUseOfThePooledContextOpenedItsConnectionAndLeftIt()
    {
        // A page that holds the connection open for its queries (the inbox does) and hands the context back
        // asynchronously, as a request scope does.
        await using (var db = await _contexts.CreateDbContextAsync())
        {
            await db.Database.OpenConnectionAsync();
            await db.Instances.AnyAsync();
        }

        var saved = await InUnitAsync(async store =>
        {
            var instance = NewInstance("之后的步骤");
            store.AddInstance(instance);
            await store.SaveChangesAsync(CancellationToken.None);
            return instance.Id;
        });

        await using var check = _database.CreateContext();
        (await check.Instances.AnyAsync(i => i.Id == saved)).Should().BeTrue("a step must not fail because of how the context was used before");
    }

    [Fact]
    public async Task Close_ClosesTheConnection_WhenATransactionEfDoesNotKnowIsLeftOpenOnIt()
    {
        SqliteConnection? first = null;
        await using (var db = await _contexts.CreateDbContextAsync())
        {
            await db.Database.OpenConnectionAsync();
            first = (SqliteConnection)db.Database.GetDbConnection();
            await db.Database.ExecuteSqlRawAsync("BEGIN; INSERT INTO sequences (Name, Value) VALUES ('遗留', 1);");
        }

        first.State.Should().Be(System.Data.ConnectionState.Closed, "a connection inside a transaction must not be lent out again");
        await using var check = _database.CreateContext();
        (await check.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS Value FROM sequences WHERE Name = '遗留'").SingleAsync())
            .Should().Be(0, "closing rolled the stray transaction back");
    }

    [Fact]
    public async Task Dispose_ClosesTheConnectionsKeptOpen_SoTheHostReleasesTheDatabase()
    {
        SqliteConnection? kept = null;
        await InUnitAsync(async store =>
        {
            await store.FindInstanceAsync(Guid.NewGuid(), CancellationToken.None);
            kept = (SqliteConnection)store.Db.Database.GetDbConnection();
            return 0;
        });
        kept!.State.Should().Be(System.Data.ConnectionState.Open, "it stays open while its context waits in the pool");
        _kept.OpenCount.Should().Be(1);

        _kept.Dispose();

        kept.State.Should().Be(System.Data.ConnectionState.Closed);
    }

    [Fact]
    public async Task CloseConnection_ClosesAsEfWould_WhenTheOptionsKeepNoConnections()
    {
        await using var db = _database.CreateContext();
        await db.Database.OpenConnectionAsync();
        await db.Instances.AnyAsync();

        await db.Database.CloseConnectionAsync();

        db.Database.GetDbConnection().State.Should().Be(System.Data.ConnectionState.Closed);
    }

    private async Task<T> InUnitAsync<T>(Func<EfWorkflowStore, Task<T>> work)
    {
        await using var db = await _contexts.CreateDbContextAsync();
        await using var store = new EfWorkflowStore(db, _database.Time, _database.TimerSignal, _database.MailSignal, _database.WriteGate);
        return await work(store);
    }

    private WorkflowInstance NewInstance(string title) => new()
    {
        Id = Guid.CreateVersion7(),
        DefinitionId = "demo-supervision",
        DefinitionVersion = 1,
        Status = WorkflowStatus.Running,
        VariablesJson = $"{{\"title\":\"{title}\"}}",
        StateJson = "{}",
        CreatedAt = _database.Time.GetUtcNow(),
        UpdatedAt = _database.Time.GetUtcNow(),
    };
}
