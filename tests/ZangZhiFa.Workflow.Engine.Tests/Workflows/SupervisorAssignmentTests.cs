using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Workflows;

/// <summary>
/// The invitation of <c>workflows/supervisor-assignment.json</c> (特邀监督员选派) on the in-memory store, with a picker
/// that invites the listed supervisors in order. The real weighted draw is tested in Infrastructure and Web.
/// </summary>
public sealed class SupervisorAssignmentTests
{
    private static readonly DateTimeOffset EndOfThursday = new(2026, 3, 6, 0, 0, 0, TimeSpan.FromHours(8));

    private readonly EngineHarness _engine = new(File.ReadAllText(Path.Combine(RepoPaths.Workflows, "supervisor-assignment.json")));

    public SupervisorAssignmentTests() => _engine.DomainServices["supervisors.pick"] = new ListSupervisorPicker("supervisor.lasa1", "supervisor.lasa2");

    private async Task<Guid> StartAsync() =>
        (await _engine.StartAsync("supervisor-assignment", new JsonObject
        {
            ["caseNumber"] = "TS-2026-000077",
            ["caseTitle"] = "城管执法人员野蛮执法投诉",
            ["unitCode"] = "540102",
            ["respondentUnitCode"] = "540102-cgzf",
        }, "TS-2026-000077")).Id;

    [Fact]
    public async Task Invitation_CarriesItsThreeWorkingDayDeadline_WhenOpened()
    {
        await StartAsync();

        var invite = _engine.OpenTask("invite");
        (invite.AssigneeUser, invite.DueAt).Should().Be(("supervisor.lasa1", (DateTimeOffset?)EndOfThursday),
            "three working days after Monday 2 March end with Thursday 5 March; the inbox marks 临期 and overdue from it");
    }

    [Fact]
    public async Task Invitation_IsWithdrawnAndPassesToSomeoneElse_WhenItLapses()
    {
        var id = await StartAsync();
        var first = _engine.OpenTask("invite");

        await _engine.AdvanceAsync(EndOfThursday - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));

        first.Status.Should().Be(WorkflowTaskStatus.Cancelled, "the lapsed invitation can no longer be accepted");
        _engine.Store.Bookmarks.Should().NotContain(b => b.TaskId == first.Id);
        var second = _engine.OpenTasks(id).Should().ContainSingle().Which;
        (second.ActivityId, second.AssigneeUser).Should().Be(("invite", "supervisor.lasa2"));
        var variables = JsonNode.Parse(_engine.Instance(id).VariablesJson)!;
        variables["declined"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("supervisor.lasa1");
    }

    [Fact]
    public async Task Invitation_LeadsToTheOpinion_WhenAccepted()
    {
        var id = await StartAsync();

        await _engine.CompleteAsync(_engine.OpenTask("invite"), "接受", [], "supervisor.lasa1");

        _engine.OpenTasks(id).Should().ContainSingle().Which.ActivityId.Should().Be("opinion");
        JsonNode.Parse(_engine.Instance(id).VariablesJson)!["stage"]!.GetValue<string>().Should().Be("监督中");
    }

    [Fact]
    public async Task Invitation_PassesToSomeoneElse_WhenDeclined()
    {
        var id = await StartAsync();

        await _engine.CompleteAsync(_engine.OpenTask("invite"), "拒绝", new JsonObject { ["reason"] = "近期外出" }, "supervisor.lasa1");

        _engine.OpenTasks(id).Should().ContainSingle().Which.AssigneeUser.Should().Be("supervisor.lasa2");
        _engine.Store.Bookmarks.Should().ContainSingle(b => b.Kind == BookmarkKind.Timer, "only the new invitation's deadline waits");
    }
}
