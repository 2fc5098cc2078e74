using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Complaints;
using ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Persistence;

/// <summary>
/// The engine's rows are written by plain commands (SqliteRowWriter) rather than EF's update pipeline; these
/// check they come back exactly as EF reads them and keep EF's rules.
/// </summary>
public sealed class SqliteRowWriterTests
{
    private static WorkflowInstance NewInstance(DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        DefinitionId = "demo",
        DefinitionVersion = 1,
        Status = WorkflowStatus.Suspended,
        CorrelationId = "TS-2026-000001",
        VariablesJson = """{"案由":"简单粗暴执法"}""",
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static WorkflowTask NewTask(WorkflowInstance instance, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        InstanceId = instance.Id,
        BookmarkId = Guid.NewGuid(),
        ActivityId = "acceptance",
        DefinitionId = instance.DefinitionId,
        CorrelationId = instance.CorrelationId,
        Title = "受理审查：TS-2026-000001",
        AssigneeRole = "受理员",
        OrgUnitCode = "540100",
        Status = WorkflowTaskStatus.Open,
        CreatedAt = now,
        DueAt = now.AddDays(7),
    };

    [Fact]
    public async Task SaveChanges_StoresRowsAsEfReadsThem_WhenAStepAddsInstanceTaskTimerAndJournal()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var now = database.Time.GetUtcNow();
        var instance = NewInstance(now);
        var task = NewTask(instance, now);
        var timer = new Bookmark { Id = Guid.NewGuid(), InstanceId = instance.Id, ActivityId = "acceptance", Kind = BookmarkKind.Timer, DueAt = now.AddDays(7), TaskId = task.Id };
        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            store.AddInstance(instance);
            store.AddTask(task);
            store.AddBookmark(timer);
            store.AddJournal(new JournalEntry { InstanceId = instance.Id, CorrelationId = instance.CorrelationId, ActivityId = "start", Event = "started", At = now });
            store.AddJournal(new JournalEntry { InstanceId = instance.Id, CorrelationId = instance.CorrelationId, ActivityId = "acceptance", Event = "task-opened", At = now });
            await store.SaveChangesAsync(CancellationToken.None);
        }

        await using var check = database.CreateContext();
        var storedTask = await check.Tasks.SingleAsync(t => t.Id == task.Id);
        storedTask.Title.Should().Be(task.Title);
        storedTask.DueAt.Should().Be(task.DueAt);
        storedTask.Status.Should().Be(WorkflowTaskStatus.Open);
        (await check.Instances.SingleAsync(i => i.Id == instance.Id)).VariablesJson.Should().Be(instance.VariablesJson);
        (await check.Bookmarks.SingleAsync(b => b.DueAt == now.AddDays(7))).Kind.Should().Be(BookmarkKind.Timer);
        var journal = await check.Journal.OrderBy(j => j.Sequence).ToListAsync();
        journal.Select(j => j.Event).Should().Equal("started", "task-opened");
        journal.Select(j => j.Id).Should().OnlyHaveUniqueItems().And.NotContain(0);
        (await check.TimerCommands.CountAsync()).Should().Be(1, "the new timer goes to the outbox in the same commit");
    }

    [Fact]
    public async Task Find_ReadsEachColumnAsEfDoes_WhenEfWroteTheRowsWithEveryFieldSet()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var now = database.Time.GetUtcNow();
        var instance = NewInstance(now);
        instance.Status = WorkflowStatus.Faulted;
        instance.ParentInstanceId = Guid.NewGuid();
        instance.ParentBookmarkId = Guid.NewGuid();
        instance.FinishedAt = now.AddHours(3).ToOffset(TimeSpan.FromHours(8));
        instance.Fault = "review: 表达式错误";
        instance.Revision = 4;
        var task = NewTask(instance, now);
        task.Status = WorkflowTaskStatus.Completed;
        task.AssigneeUser = "reviewer.lasa";
        task.Candidates = ",a,b,";
        task.RecusedUnits = ",540102,";
        task.QualificationRequired = true;
        task.Description = "问题：粗暴执法";
        task.EscalationLevel = 2;
        task.CompletedAt = now.AddMinutes(90);
        task.CompletedBy = "reviewer.lasa";
        task.Outcome = "同意";
        task.Comment = "意见";
        task.ResultJson = """{"by":"reviewer.lasa"}""";
        task.Revision = 7;
        var timer = new Bookmark
        {
            Id = Guid.NewGuid(), InstanceId = instance.Id, ActivityId = "acceptance", Kind = BookmarkKind.Subflow, Name = "deadline", TaskId = task.Id,
            ChildInstanceId = Guid.NewGuid(), DueAt = now.AddDays(7), ScopeJson = """[{"e":"x"}]""", PayloadJson = "{}", CreatedAt = now,
        };
        var bare = new Bookmark { Id = Guid.NewGuid(), InstanceId = instance.Id, ActivityId = "wait", Kind = BookmarkKind.Signal, CreatedAt = now };
        await using (var db = database.CreateContext())
        {
            // Through EF's own pipeline, not the store: the store must read what EF writes.
            db.AddRange(instance, task, timer, bare);
            await db.SaveChangesAsync();
        }

        await using var efSide = database.CreateContext();
        await using var storeSide = database.CreateContext();
        var store = database.CreateStore(storeSide);

        (await store.FindInstanceAsync(instance.Id, CancellationToken.None)).Should().BeEquivalentTo(await efSide.Instances.AsNoTracking().SingleAsync());
        (await store.FindTaskAsync(task.Id, CancellationToken.None)).Should().BeEquivalentTo(await efSide.Tasks.AsNoTracking().SingleAsync());
        (await store.ListBookmarksAsync(instance.Id, CancellationToken.None)).Should().BeEquivalentTo(await efSide.Bookmarks.AsNoTracking().ToListAsync());
        (await store.ListOpenTasksAsync(instance.Id, CancellationToken.None)).Should().BeEmpty("the task is completed");
        (await store.FindBookmarkAsync(Guid.NewGuid(), CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task Find_ReturnsTheObjectTheUnitHolds_WithItsUnsavedChange_AndNotARowItRemoved()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var now = database.Time.GetUtcNow();
        var instance = NewInstance(now);
        var task = NewTask(instance, now);
        var timer = new Bookmark { Id = Guid.NewGuid(), InstanceId = instance.Id, ActivityId = "acceptance", Kind = BookmarkKind.Timer, DueAt = now.AddDays(7), TaskId = task.Id };
        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            store.AddInstance(instance);
            store.AddTask(task);
            store.AddBookmark(timer);
            await store.SaveChangesAsync(CancellationToken.None);
        }

        await using var unit = database.CreateContext();
        var unitStore = database.CreateStore(unit);
        var found = (await unitStore.FindTaskAsync(task.Id, CancellationToken.None))!;
        found.Title = "受理审查（已改派）";
        (await unitStore.FindTaskAsync(task.Id, CancellationToken.None)).Should().BeSameAs(found);
        (await unitStore.ListOpenTasksAsync(instance.Id, CancellationToken.None)).Should().ContainSingle().Which.Should().BeSameAs(found);
        var waiting = (await unitStore.ListBookmarksAsync(instance.Id, CancellationToken.None)).Single();
        unitStore.RemoveBookmark(waiting);
        (await unitStore.FindBookmarkAsync(timer.Id, CancellationToken.None)).Should().BeNull("the unit removed it");
        (await unitStore.ListBookmarksAsync(instance.Id, CancellationToken.None)).Should().BeEmpty();
        await unitStore.SaveChangesAsync(CancellationToken.None);

        await using var check = database.CreateContext();
        (await check.Tasks.SingleAsync()).Title.Should().Be("受理审查（已改派）", "a change to a row the store read is saved without being announced");
        (await check.Bookmarks.CountAsync()).Should().Be(0);
        (await check.TimerCommands.CountAsync()).Should().Be(2, "the timer's setting and its removal each went to the outbox");
    }

    [Fact]
    public async Task SaveChanges_StoresTheComplaintAsEfReadsIt_AndRefusesASecondWithTheSameTrackingNumber()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var now = database.Time.GetUtcNow();
        var instance = NewInstance(now);
        Complaint NewComplaint(string? key) => new()
        {
            Id = Guid.NewGuid(),
            TrackingNumber = "TS-2026-000001",
            QueryCodeProtected = "protected",
            SubmittedAt = now,
            Category = "简单粗暴执法",
            Description = "执法人员态度粗暴，未出示证件。<script>",
            RespondentUnitCode = "540102-cgzf",
            Enterprise = true,
            ComplainantName = "扎西",
            Phone = "13908900000",
            Language = "bo",
            InstanceId = instance.Id,
            IdempotencyKey = key,
            ContentHash = new string('a', 64),
        };
        var complaint = NewComplaint("key-1");
        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            store.AddInstance(instance);
            db.Complaints.Add(complaint);
            db.ComplaintAttachments.Add(new ComplaintAttachment { Id = Guid.NewGuid(), ComplaintId = complaint.Id, FileName = "照片.jpg", ContentType = "image/jpeg", Size = 3, Sha256 = new string('b', 64) });
            await store.SaveChangesAsync(CancellationToken.None);
        }

        await using (var check = database.CreateContext())
        {
            var stored = await check.Complaints.AsNoTracking().SingleAsync();
            stored.Should().BeEquivalentTo(complaint);
            (await check.ComplaintAttachments.SingleAsync()).ComplaintId.Should().Be(complaint.Id, "its attachment, saved by EF after the row, found it");
        }

        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            db.Complaints.Add(NewComplaint(null));
            var save = () => store.SaveChangesAsync(CancellationToken.None);
            await save.Should().ThrowAsync<DbUpdateException>();
        }

        await using var after = database.CreateContext();
        (await after.Complaints.CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task SaveChanges_SavesALaterChangeAsAnUpdate_WhenTheRowWasAddedEarlierInTheSameUnit()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var now = database.Time.GetUtcNow();
        var instance = NewInstance(now);
        var task = NewTask(instance, now);
        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            store.AddInstance(instance);
            store.AddTask(task);
            await store.SaveChangesAsync(CancellationToken.None);

            task.AssigneeUser = "handler.lasa";
            task.Revision++;
            await store.SaveChangesAsync(CancellationToken.None);
        }

        await using var check = database.CreateContext();
        var stored = await check.Tasks.SingleAsync();
        stored.AssigneeUser.Should().Be("handler.lasa");
        stored.Revision.Should().Be(1);
    }

    [Fact]
    public async Task SaveChanges_ThrowsConcurrencyConflict_WhenADeletedTimerWasAlreadyRemovedByAnotherUnit()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var now = database.Time.GetUtcNow();
        var instance = NewInstance(now);
        var timer = new Bookmark { Id = Guid.NewGuid(), InstanceId = instance.Id, ActivityId = "wait", Kind = BookmarkKind.Timer, DueAt = now.AddDays(1) };
        await using (var db = database.CreateContext())
        {
            var store = database.CreateStore(db);
            store.AddInstance(instance);
            store.AddBookmark(timer);
            await store.SaveChangesAsync(CancellationToken.None);
        }

        await using var first = database.CreateContext();
        await using var second = database.CreateContext();
        var firstStore = database.CreateStore(first);
        var secondStore = database.CreateStore(second);
        firstStore.RemoveBookmark((await firstStore.FindBookmarkAsync(timer.Id, CancellationToken.None))!);
        secondStore.RemoveBookmark((await secondStore.FindBookmarkAsync(timer.Id, CancellationToken.None))!);
        await firstStore.SaveChangesAsync(CancellationToken.None);

        var act = () => secondStore.SaveChangesAsync(CancellationToken.None);

        await act.Should().ThrowAsync<ConcurrencyConflictException>("a timer fires once: the second remover lost the race");
    }

    [Fact]
    public async Task SaveChanges_QueuesConcurrentUnitsWithoutLosingAny_WhenManyWritersCommitAtOnce()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        var now = database.Time.GetUtcNow();

        var numbers = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            await using var db = database.CreateContext();
            var store = database.CreateStore(db);
            var number = await store.NextSequenceValueAsync("tracking:2026", CancellationToken.None);
            var instance = NewInstance(now);
            store.AddInstance(instance);
            store.AddJournal(new JournalEntry { InstanceId = instance.Id, Event = "started", At = now });
            await store.SaveChangesAsync(CancellationToken.None);
            return number;
        }));

        numbers.Should().BeEquivalentTo(Enumerable.Range(1, 24).Select(n => (long)n));
        await using var check = database.CreateContext();
        (await check.Instances.CountAsync()).Should().Be(24);
        (await check.Journal.Select(j => j.Sequence).OrderBy(s => s).ToListAsync()).Should().Equal(Enumerable.Range(1, 24).Select(n => (long)n));
    }

    [Fact]
    public async Task NextSequenceValue_HandsTheWriteTurnOn_WhenAUnitIsAbandonedWithoutSaving()
    {
        await using var database = await SqliteTestDatabase.CreateAsync();
        await using (var abandoned = database.CreateContext())
        {
            await using var store = database.CreateStore(abandoned);
            await store.NextSequenceValueAsync("tracking:2026", CancellationToken.None);
        }

        await using var db = database.CreateContext();
        await using var next = database.CreateStore(db);
        // Were the turn not given back on dispose, this would wait out the gate's limit and throw.
        var number = await next.NextSequenceValueAsync("tracking:2026", CancellationToken.None);

        number.Should().Be(1, "the abandoned unit's number rolled back with it");
    }
}
