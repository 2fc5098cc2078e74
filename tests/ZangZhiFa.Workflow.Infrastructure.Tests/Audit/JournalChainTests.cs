using Microsoft.Data.Sqlite;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Audit;
using ZangZhiFa.Workflow.Infrastructure.Tests.TestSupport;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Audit;

public sealed class JournalChainTests
{
    /// <summary>Three commits over two cases, interleaved, as real work produces them.</summary>
    private static async Task<SqliteTestDatabase> JournalWithTwoCasesAsync()
    {
        var database = await SqliteTestDatabase.CreateAsync();
        var caseA = Guid.NewGuid();
        var caseB = Guid.NewGuid();
        foreach (var (instance, number, events) in new[] { (caseA, "TS-2026-000001", new[] { "started", "waiting" }), (caseB, "TS-2026-000002", new[] { "started" }), (caseA, "TS-2026-000001", new[] { "resumed", "completed" }) })
        {
            await using var db = database.CreateContext();
            var store = database.CreateStore(db);
            foreach (var @event in events)
            {
                store.AddJournal(new JournalEntry { InstanceId = instance, CorrelationId = number, Event = @event, Actor = "clerk", At = database.Time.GetUtcNow(), Summary = $"{number} {@event}" });
            }

            await store.SaveChangesAsync(CancellationToken.None);
        }

        return database;
    }

    private static async Task ExecuteAsync(SqliteTestDatabase database, string sql)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Verify_ReportsIntact_WhenNothingWasTouched()
    {
        await using var database = await JournalWithTwoCasesAsync();
        await using var db = database.CreateContext();

        var verdict = await JournalChain.VerifyAsync(db, CancellationToken.None);

        verdict.Should().Be(new JournalChain.Verdict(true, 5, null, null));
        db.Journal.OrderBy(j => j.Sequence).Select(j => j.CaseKey).Should().Equal("TS-2026-000001", "TS-2026-000001", "TS-2026-000002", "TS-2026-000001", "TS-2026-000001");
    }

    [Fact]
    public async Task Verify_FindsTheEditedLine_WhenARowIsChangedDirectlyInSqlite()
    {
        await using var database = await JournalWithTwoCasesAsync();
        await ExecuteAsync(database, "UPDATE journal SET Actor = 'someone-else' WHERE Sequence = 3");
        await using var db = database.CreateContext();

        var verdict = await JournalChain.VerifyAsync(db, CancellationToken.None);

        verdict.Intact.Should().BeFalse();
        verdict.BrokenAt.Should().Be(3);
        verdict.Reason.Should().Contain("content does not match its hash");
    }

    [Fact]
    public async Task Verify_FindsTheGap_WhenALineIsDeleted()
    {
        await using var database = await JournalWithTwoCasesAsync();
        await ExecuteAsync(database, "DELETE FROM journal WHERE Sequence = 2");
        await using var db = database.CreateContext();

        var verdict = await JournalChain.VerifyAsync(db, CancellationToken.None);

        verdict.BrokenAt.Should().Be(3);
        verdict.Reason.Should().Contain("line 2 is missing");
    }

    [Fact]
    public async Task Verify_FindsTheBrokenLink_WhenALineIsRewrittenWithAFreshHash()
    {
        await using var database = await JournalWithTwoCasesAsync();
        // A forger who recomputes the edited line's own hash still breaks the link of the line after it.
        await using (var db = database.CreateContext())
        {
            var line = db.Journal.Single(j => j.Sequence == 2);
            line.Summary = "改过的记录";
            line.Hash = JournalChain.Compute(line);
            await db.SaveChangesAsync();
        }

        await using var check = database.CreateContext();
        var verdict = await JournalChain.VerifyAsync(check, CancellationToken.None);

        verdict.BrokenAt.Should().Be(3);
        verdict.Reason.Should().Contain("does not link to the previous line");
    }
}
