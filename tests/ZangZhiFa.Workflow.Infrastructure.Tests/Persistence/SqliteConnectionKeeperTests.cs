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
public sealed class SqliteConnectionKeeperTests : IAsyncLifetime
{
    private SqliteTestDatabase _database = null!;
    private SqliteConnectionKeeper _keeper = null!;
    private PooledDbContextFactory<WorkflowDbContext> _contexts = null!;

    public async Task InitializeAsync()
    {
        _database = await SqliteTestDatabase.CreateAsync();
        _keeper = new SqliteConnectionKeeper("FULL");
        // One pooled context, so every unit below gets the same one back, as a quiet host would.
        _contexts = new PooledDbContextFactory<WorkflowDbContext>(
            new DbContextOptionsBuilder<WorkflowDbContext>().UseSqlite(_database.ConnectionString).AddInterceptors(new SqlitePragmas("FULL")).Options,
            poolSize: 1);
    }

    public async Task DisposeAsync()
    {
        _keeper.Dispose();
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
    public async Task Dispose_ClosesTheKeptConnections_SoTheHostReleasesTheDatabase()
    {
        SqliteConnection? kept = null;
        await InUnitAsync(async store =>
        {
            await store.FindInstanceAsync(Guid.NewGuid(), CancellationToken.None);
            kept = (SqliteConnection)store.Db.Database.GetDbConnection();
            return 0;
        });
        kept!.State.Should().Be(System.Data.ConnectionState.Open, "it stays open while its context waits in the pool");

        _keeper.Dispose();

        kept.State.Should().Be(System.Data.ConnectionState.Closed);
    }

    [Fact]
    public async Task OpenAsync_KeepsNoMoreConnectionsThanItsLimit_WhenManyUnitsRunAtOnce()
    {
        using var keeper = new SqliteConnectionKeeper("FULL", maxKept: 2);
        var contexts = new PooledDbContextFactory<WorkflowDbContext>(
            new DbContextOptionsBuilder<WorkflowDbContext>().UseSqlite(_database.ConnectionString).AddInterceptors(new SqlitePragmas("FULL")).Options);
        var allInside = new TaskCompletionSource();
        var inside = 0;

        // Six units hold their connections at the same moment, as a burst of requests would.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            await using var db = await contexts.CreateDbContextAsync();
            await using var store = new EfWorkflowStore(db, _database.Time, _database.TimerSignal, _database.MailSignal, _database.WriteGate, keeper);
            await store.FindInstanceAsync(Guid.NewGuid(), CancellationToken.None);
            if (Interlocked.Increment(ref inside) == 6)
            {
                allInside.SetResult();
            }

            await allInside.Task.WaitAsync(TimeSpan.FromSeconds(10));
            store.AddInstance(NewInstance($"第{i}件"));
            await store.SaveChangesAsync(CancellationToken.None);
        })));

        keeper.Count.Should().Be(2, "past the limit a unit opens and closes its connection as EF would");
        await using var check = _database.CreateContext();
        (await check.Instances.CountAsync()).Should().Be(6, "every unit committed, kept connection or not");
    }

    private async Task<T> InUnitAsync<T>(Func<EfWorkflowStore, Task<T>> work)
    {
        await using var db = await _contexts.CreateDbContextAsync();
        await using var store = new EfWorkflowStore(db, _database.Time, _database.TimerSignal, _database.MailSignal, _database.WriteGate, _keeper);
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
