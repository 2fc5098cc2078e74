using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Audit;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Persistence;

public sealed class EfWorkflowStoreTests
{
    private static WorkflowInstance NewInstance(DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        DefinitionId = "demo",
        DefinitionVersion = 1,
        Status = WorkflowStatus.Suspended,
        CreatedAt = now,
        UpdatedAt = now,
    };

    [Fact]
    public async Task SaveChanges_LeavesTheNewValuesOnTheEntity_SoTheUnitCanShowThemAndChangeItAgain()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        await using var db = database.CreateContext();
        var store = database.CreateStore(db);
        var instance = NewInstance(database.Time.GetUtcNow());
        store.AddInstance(instance);
        await store.SaveChangesAsync(CancellationToken.None);

        instance.VariablesJson = """{"step":1}""";
        instance.Revision++;
        await store.SaveChangesAsync(CancellationToken.None);

        instance.VariablesJson.Should().Be("""{"step":1}""", "what was written is what the caller answers with (a task released shows no assignee)");
        instance.Revision.Should().Be(1);
        instance.VariablesJson = """{"step":2}""";
        instance.Revision++;
        await store.SaveChangesAsync(CancellationToken.None);
        await using var check = database.CreateContext();
        (await check.Instances.SingleAsync()).VariablesJson.Should().Be("""{"step":2}""", "a second change in the same unit is checked against the revision just written");
    }

    [Fact]
    public async Task SaveChanges_ThrowsConcurrencyConflict_WhenInstanceWasChangedByAnotherWriter()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var id = Guid.Empty;
        await using (var db = database.CreateContext())
        {
            var instance = NewInstance(database.Time.GetUtcNow());
            id = instance.Id;
            var store = database.CreateStore(db);
            store.AddInstance(instance);
            await store.SaveChangesAsync(CancellationToken.None);
        }

        await using var first = database.CreateContext();
        await using var second = database.CreateContext();
        var firstStore = database.CreateStore(first);
        var secondStore = database.CreateStore(second);
        var a = (await firstStore.FindInstanceAsync(id, CancellationToken.None))!;
        var b = (await secondStore.FindInstanceAsync(id, CancellationToken.None))!;

        a.VariablesJson = """{"by":"first"}""";
        a.Revision++;
        await firstStore.SaveChangesAsync(CancellationToken.None);
        b.VariablesJson = """{"by":"second"}""";
        b.Revision++;
        var act = () => secondStore.SaveChangesAsync(CancellationToken.None);

        await act.Should().ThrowAsync<ConcurrencyConflictException>();
        await using var check = database.CreateContext();
        (await check.Instances.SingleAsync()).VariablesJson.Should().Be("""{"by":"first"}""");
        (await secondStore.FindInstanceAsync(id, CancellationToken.None))!.VariablesJson.Should().Be("""{"by":"first"}""",
            "after a failed save the unit forgets what it held; a context that lives on (an admin page's) reads the database again");
    }

    [Fact]
    public async Task SaveChanges_ReturnsOnlyAfterTheLogIsFlushed_AndHandsTheConnectionBackAtFull()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        await using var db = database.CreateContext();
        var store = database.CreateStore(db);
        store.AddInstance(NewInstance(database.Time.GetUtcNow()));
        var flushes = database.WriteGate.Flushes;

        await store.SaveChangesAsync(CancellationToken.None);

        database.WriteGate.Flushes.Should().Be(flushes + 1, "a save reports success once its commit is on the disk");
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous";
        (await command.ExecuteScalarAsync()).Should().Be(2L, "the connection returns to the pool with synchronous=FULL");
    }

    [Fact]
    public async Task SaveChanges_WritesNothingAndReturnsFalse_WhenTheCheckInTheWriteTurnDeclines()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var checkedInTurn = false;
        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            store.AddInstance(NewInstance(database.Time.GetUtcNow()));
            var saved = await store.SaveChangesAsync(async cancellationToken =>
            {
                // A duplicate check reads under the write lock, so no other unit can commit between it and the save.
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM workflow_instances";
                checkedInTurn = (long)(await command.ExecuteScalarAsync(cancellationToken))! == 0;
                return false;
            }, CancellationToken.None);
            saved.Should().BeFalse();
        }

        checkedInTurn.Should().BeTrue("the check ran before anything of the unit was written");
        await using (var db = database.CreateContext())
        {
            (await db.Instances.CountAsync()).Should().Be(0);
            (await db.Journal.CountAsync()).Should().Be(0);

            // The turn was handed on: the next unit saves.
            var store = database.CreateStore(db);
            store.AddInstance(NewInstance(database.Time.GetUtcNow()));
            (await store.SaveChangesAsync(_ => Task.FromResult(true), CancellationToken.None)).Should().BeTrue();
        }

        await using var check = database.CreateContext();
        (await check.Instances.CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task SaveChanges_KeepsEveryCommit_WhenManyUnitsCommitAtOnce()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        const int units = 16;
        var flushes = database.WriteGate.Flushes;

        await Task.WhenAll(Enumerable.Range(0, units).Select(_ => Task.Run(async () =>
        {
            await using var db = database.CreateContext();
            var store = database.CreateStore(db);
            store.AddInstance(NewInstance(database.Time.GetUtcNow()));
            await store.SaveChangesAsync(CancellationToken.None);
        })));

        await using var check = database.CreateContext();
        (await check.Instances.CountAsync()).Should().Be(units);
        (database.WriteGate.Flushes - flushes).Should().BeInRange(1, units, "commits waiting together share a flush, none skips it");
    }

    [Fact]
    public async Task SaveChanges_WritesNothing_WhenTheCommitFailsMidway()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var duplicateId = Guid.NewGuid();
        await using (var db = database.CreateContext())
        {
            db.Notices.Add(new IssuedNotice { Id = duplicateId, Title = "已有", TemplateId = "t", Html = "x" });
            await db.SaveChangesAsync();
        }

        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            var instance = NewInstance(database.Time.GetUtcNow());
            store.AddInstance(instance);
            store.AddBookmark(new Bookmark { Id = Guid.NewGuid(), InstanceId = instance.Id, ActivityId = "wait", Kind = BookmarkKind.Timer, DueAt = database.Time.GetUtcNow().AddDays(1) });
            await store.NextSequenceValueAsync("doc:藏司督:2026", CancellationToken.None);
            store.AddJournal(new JournalEntry { InstanceId = instance.Id, Event = "started", At = database.Time.GetUtcNow() });
            // The last row of the unit collides with an existing key, so the database refuses the commit.
            store.AddNotice(new IssuedNotice { Id = duplicateId, InstanceId = instance.Id, Title = "重复", TemplateId = "t", Html = "y" });

            var act = () => store.SaveChangesAsync(CancellationToken.None);

            await act.Should().ThrowAsync<DbUpdateException>();
        }

        await using var check = database.CreateContext();
        (await check.Instances.CountAsync()).Should().Be(0);
        (await check.Bookmarks.CountAsync()).Should().Be(0);
        (await check.Journal.CountAsync()).Should().Be(0);
        (await check.TimerCommands.CountAsync()).Should().Be(0);
        (await check.Sequences.CountAsync()).Should().Be(0, "the document number taken inside the failed unit is not used up");
    }

    [Fact]
    public async Task SaveChanges_WritesNothingOfARefusedUnit_AndTheNextUnitSaves_WhenOnlyEngineRowsWereWritten()
    {
        // Units of engine rows only commit on the write gate's own connection: a refusal there must leave nothing
        // behind and must not break the connection for the units after it.
        await using var database = await SqliteTestDatabase.CreateAsync();
        var duplicateId = Guid.NewGuid();
        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            store.AddNotice(new IssuedNotice { Id = duplicateId, Title = "已有", TemplateId = "t", Html = "x" });
            await store.SaveChangesAsync(CancellationToken.None);
        }

        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            var instance = NewInstance(database.Time.GetUtcNow());
            store.AddInstance(instance);
            store.AddBookmark(new Bookmark { Id = Guid.NewGuid(), InstanceId = instance.Id, ActivityId = "wait", Kind = BookmarkKind.Timer, DueAt = database.Time.GetUtcNow().AddDays(1) });
            store.AddJournal(new JournalEntry { InstanceId = instance.Id, Event = "started", At = database.Time.GetUtcNow() });
            store.AddNotice(new IssuedNotice { Id = duplicateId, InstanceId = instance.Id, Title = "重复", TemplateId = "t", Html = "y" });

            var act = () => store.SaveChangesAsync(CancellationToken.None);

            await act.Should().ThrowAsync<DbUpdateException>();
        }

        var next = NewInstance(database.Time.GetUtcNow());
        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            store.AddInstance(next);
            store.AddJournal(new JournalEntry { InstanceId = next.Id, Event = "started", At = database.Time.GetUtcNow() });
            await store.SaveChangesAsync(CancellationToken.None);
        }

        await using var check = database.CreateContext();
        (await check.Instances.Select(i => i.Id).ToListAsync()).Should().Equal(next.Id);
        (await check.Bookmarks.CountAsync()).Should().Be(0);
        (await check.TimerCommands.CountAsync()).Should().Be(0);
        (await check.Journal.Select(j => j.Sequence).ToListAsync()).Should().Equal([1L], "the refused unit's line was never numbered into the chain");
        (await JournalChain.VerifyAsync(check, CancellationToken.None)).Intact.Should().BeTrue();
    }

    [Fact]
    public async Task SaveChanges_QueuesTimerOutboxRowsInTheSameCommit_WhenTimersAreAddedOrRemoved()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var instance = NewInstance(database.Time.GetUtcNow());
        var timer = new Bookmark { Id = Guid.NewGuid(), InstanceId = instance.Id, ActivityId = "wait", Kind = BookmarkKind.Timer, DueAt = database.Time.GetUtcNow().AddHours(4) };
        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            store.AddInstance(instance);
            store.AddBookmark(timer);
            store.AddBookmark(new Bookmark { Id = Guid.NewGuid(), InstanceId = instance.Id, ActivityId = "task", Kind = BookmarkKind.Task });
            await store.SaveChangesAsync(CancellationToken.None);
        }

        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            store.RemoveBookmark((await store.FindBookmarkAsync(timer.Id, CancellationToken.None))!);
            await store.SaveChangesAsync(CancellationToken.None);
        }

        await using var check = database.CreateContext();
        var rows = await check.TimerCommands.OrderBy(c => c.Id).ToListAsync();
        rows.SelectMany(r => r.Changes).Should().Equal(new TimerChange(timer.Id, timer.DueAt), new TimerChange(timer.Id, null));
    }

    [Fact]
    public async Task NextSequenceValue_CountsUpPerName_AcrossUnitsOfWork()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var values = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            await using var db = database.CreateContext();
            var store = database.CreateStore(db);
            values.Add(await store.NextSequenceValueAsync("tracking:2026", CancellationToken.None));
            values.Add(await store.NextSequenceValueAsync("doc:藏司督:2026", CancellationToken.None));
            await store.SaveChangesAsync(CancellationToken.None);
        }

        values.Should().Equal(1, 1, 2, 2, 3, 3);
    }

    [Fact]
    public async Task TakeSequenceValue_HandsOutEachValueOnce_InOrder_AndAfterARestartContinuesPastTheReservedBlock()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var values = new List<long>();
        for (var i = 0; i < 45; i++)
        {
            await using var db = database.CreateContext();
            values.Add(await database.CreateStore(db).TakeSequenceValueAsync("tracking:2026", CancellationToken.None));
        }

        values.Should().Equal(Enumerable.Range(1, 45).Select(v => (long)v));

        // The 50 arrive while another unit holds the write turn, as under load: all find the block used up at once.
        var turns = database.WriteGate.Turns;
        var held = await database.WriteGate.EnterAsync(CancellationToken.None);
        var waiting = 0;
        var allStarted = new TaskCompletionSource();
        var takers = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            await using var db = database.CreateContext();
            var store = database.CreateStore(db);
            if (Interlocked.Increment(ref waiting) == 50)
            {
                allStarted.SetResult();
            }

            return await store.TakeSequenceValueAsync("tracking:2026", CancellationToken.None);
        })).ToList();
        await allStarted.Task;
        held.Dispose();
        var concurrent = await Task.WhenAll(takers);
        concurrent.Should().OnlyHaveUniqueItems().And.OnlyContain(v => v > 45);
        (database.WriteGate.Turns - turns - 1).Should().BeLessThanOrEqualTo(1,
            "callers that find the block used up wait for one reservation, not each for the single writer's turn");

        // A new process (its own gate) must not hand out what the old one had reserved, used or not.
        long reserved;
        await using (var db = database.CreateContext())
        {
            reserved = await db.Database.SqlQueryRaw<long>("SELECT Value AS \"Value\" FROM sequences WHERE Name = 'tracking:2026'").SingleAsync();
        }

        using var restarted = new SqliteWriteGate();
        await using (var db = database.CreateContext())
        {
            var store = new EfWorkflowStore(db, database.Time, database.TimerSignal, database.MailSignal, restarted);
            (await store.TakeSequenceValueAsync("tracking:2026", CancellationToken.None)).Should().Be(reserved + 1);
        }

        reserved.Should().BeLessThan(45 + 50 + SequenceBlocks.BlockSize, "a burst of callers shares one reservation instead of each reserving a block");
    }

    [Fact]
    public async Task Database_UsesWriteAheadLog_AfterMigration()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        (await command.ExecuteScalarAsync()).Should().Be("wal");
    }
}
