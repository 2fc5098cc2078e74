using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Activities;

/// <summary>The demo flow's first task: working-day deadline, reminders, 督办 escalation up the tree, form rules.</summary>
public sealed class HumanTaskTests
{
    private static EngineHarness DemoEngine() => new(File.ReadAllText(Path.Combine(RepoPaths.Workflows, "demo-supervision.json")));

    private static JsonObject Inputs(string unit = "540102") => new()
    {
        ["caseTitle"] = "某餐馆反映执法人员简单粗暴",
        ["unitCode"] = unit,
        ["applicantName"] = "次仁",
        ["applicantEmail"] = "ciren@example.test",
    };

    [Fact]
    public async Task Execute_OpensTaskForRoleInUnitWithWorkingDayDeadline_WhenFlowStarts()
    {
        var engine = DemoEngine();

        await engine.StartAsync("demo-supervision", Inputs(), "TS-2026-000001");

        var task = engine.OpenTask("review");
        task.Title.Should().Be("受理审查：某餐馆反映执法人员简单粗暴");
        task.AssigneeRole.Should().Be("受理员");
        task.OrgUnitCode.Should().Be("540102");
        task.CorrelationId.Should().Be("TS-2026-000001");
        task.DueAt.Should().Be(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(8)),
            "five working days after Monday 2 March end with Monday 9 March (the weekend is skipped)");
    }

    [Fact]
    public async Task Reminders_QueueMailToTheUnitsClerks_AtHalfAndEightyPercentOfTheLimit()
    {
        var engine = DemoEngine();
        await engine.StartAsync("demo-supervision", Inputs());

        (await engine.AdvanceAsync(TimeSpan.FromDays(3.9))).Should().Be(1, "half of the limit has passed");
        (await engine.AdvanceAsync(TimeSpan.FromDays(2.3))).Should().Be(1, "80 % has passed");

        engine.Store.Mails.Should().HaveCount(2).And.OnlyContain(m => m.To == "受理员@540102.test" && m.Subject == "【办理提醒】受理审查：某餐馆反映执法人员简单粗暴");
        engine.Store.Mails[0].HtmlBody.Should().Contain("城关区司法局承办的任务《受理审查：某餐馆反映执法人员简单粗暴》").And.Contain("2026年3月10日");
        engine.OpenTask("review").EscalationLevel.Should().Be(0);
    }

    [Fact]
    public async Task Overdue_EscalatesToTheParentUnitWithANotice_AndAgainToTheRegion_ThenStops()
    {
        var engine = DemoEngine();
        await engine.StartAsync("demo-supervision", Inputs());

        await engine.AdvanceAsync(TimeSpan.FromDays(8.1));
        var task = engine.OpenTask("review");
        task.OrgUnitCode.Should().Be("540100", "the overdue task goes one level up, to 拉萨市司法局");
        task.EscalationLevel.Should().Be(1);
        var notice = engine.Store.Notices.Should().ContainSingle().Subject;
        notice.Title.Should().Be("督办通知书");
        notice.DocumentNumber.Should().Be("藏司督〔2026〕1号");
        notice.Html.Should().Contain("拉萨市司法局").And.Contain("城关区司法局");
        engine.Store.Mails.Should().Contain(m => m.To == "受理员@540100.test" && m.NoticeId == notice.Id);

        await engine.AdvanceAsync(TimeSpan.FromDays(7));
        engine.OpenTask("review").OrgUnitCode.Should().Be("540000", "still overdue after the new limit: 西藏自治区司法厅");

        await engine.AdvanceAsync(TimeSpan.FromDays(30));
        engine.OpenTask("review").OrgUnitCode.Should().Be("540000");
        engine.Store.Notices.Should().HaveCount(2, "maxLevel 2 stops a third escalation");
        engine.Store.Journal.Should().Contain(j => j.Event == "escalation-stopped");
    }

    [Fact]
    public async Task Complete_StopsTheDeadline_WhenTheTaskIsDoneInTime()
    {
        var engine = DemoEngine();
        await engine.StartAsync("demo-supervision", Inputs());

        await engine.CompleteAsync(engine.OpenTask("review"), "受理");
        await engine.AdvanceAsync(TimeSpan.FromDays(20));

        engine.Store.Notices.Should().BeEmpty("nothing was overdue");
        engine.OpenTasks().Select(t => t.ActivityId).Should().BeEquivalentTo(["investigate", "legal"]);
    }

    [Fact]
    public async Task Complete_Throws400StyleErrorNamingTheField_WhenRequiredReasonIsMissing()
    {
        var engine = DemoEngine();
        await engine.StartAsync("demo-supervision", Inputs());

        var act = () => engine.CompleteAsync(engine.OpenTask("review"), "不予受理", new JsonObject { ["reason"] = " " });

        var error = (await act.Should().ThrowAsync<TaskInputException>()).Which;
        error.Errors.Should().ContainKey("fields.reason").WhoseValue.Should().Equal("请填写“不予受理理由”");
        engine.OpenTask("review").Status.Should().Be(WorkflowTaskStatus.Open, "nothing changed");
    }

    [Fact]
    public async Task Complete_RejectsAListOrAnObject_WhereTheFormAsksForOneValue()
    {
        var engine = DemoEngine();
        await engine.StartAsync("demo-supervision", Inputs());

        var list = () => engine.CompleteAsync(engine.OpenTask("review"), "不予受理", new JsonObject { ["reason"] = new JsonArray("材料不全") });
        var obj = () => engine.CompleteAsync(engine.OpenTask("review"), "不予受理", new JsonObject { ["reason"] = new JsonObject { ["text"] = "材料不全" } });

        (await list.Should().ThrowAsync<TaskInputException>()).Which.Errors["fields.reason"].Should().Equal("“不予受理理由”须为单个值，不能是列表或对象");
        (await obj.Should().ThrowAsync<TaskInputException>()).Which.Errors.Should().ContainKey("fields.reason");
        engine.OpenTask("review").Status.Should().Be(WorkflowTaskStatus.Open, "the refusal notice must not quote JSON to the complainant");
    }

    [Fact]
    public async Task Complete_RejectsOutcomeAndUnknownField_WhenNotOffered()
    {
        var engine = DemoEngine();
        await engine.StartAsync("demo-supervision", Inputs());

        var act = () => engine.CompleteAsync(engine.OpenTask("review"), "批准", new JsonObject { ["bribe"] = "1" });

        var error = (await act.Should().ThrowAsync<TaskInputException>()).Which;
        error.Errors.Keys.Should().BeEquivalentTo(["outcome", "fields.bribe"]);
        error.Errors["outcome"].Should().Equal("办理结果须为以下之一：受理、不予受理");
    }

    [Fact]
    public async Task Complete_ThrowsNotOpen_WhenSomeoneElseCompletedItFirst()
    {
        var engine = DemoEngine();
        await engine.StartAsync("demo-supervision", Inputs());
        var task = engine.OpenTask("review");
        await engine.CompleteAsync(task, "受理", actor: "clerk.a");

        var act = () => engine.CompleteAsync(task, "不予受理", new JsonObject { ["reason"] = "重复" }, actor: "clerk.b");

        (await act.Should().ThrowAsync<TaskNotOpenException>()).Which.Message.Should().Contain("clerk.a").And.Contain("受理")
            .And.Contain(engine.Time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), "in Beijing time, as every page shows it");
    }

    [Fact]
    public async Task Rejected_IssuesNoticeWithTheReasonAndMailsIt_WhenApplicantGaveAnAddress()
    {
        var engine = DemoEngine();
        var instance = await engine.StartAsync("demo-supervision", Inputs());

        await engine.CompleteAsync(engine.OpenTask("review"), "不予受理", new JsonObject { ["reason"] = "不属于行政执法监督范围" });

        var notice = engine.Store.Notices.Should().ContainSingle().Subject;
        notice.Title.Should().Be("不予受理告知书");
        notice.Html.Should().Contain("不予受理：不属于行政执法监督范围").And.Contain("次仁");
        engine.Store.Mails.Should().ContainSingle(m => m.To == "ciren@example.test" && m.NoticeId == notice.Id);
        engine.Instance(instance.Id).Status.Should().Be(WorkflowStatus.Completed);
        engine.Store.Bookmarks.Should().BeEmpty();
    }

    [Fact]
    public async Task Rejected_KeepsNoticeOnFileWithoutMail_WhenApplicantIsAnonymous()
    {
        var engine = DemoEngine();
        var inputs = Inputs();
        inputs["applicantEmail"] = "";
        await engine.StartAsync("demo-supervision", inputs);

        await engine.CompleteAsync(engine.OpenTask("review"), "不予受理", new JsonObject { ["reason"] = "无具体事实" });

        engine.Store.Notices.Should().ContainSingle();
        engine.Store.Mails.Should().BeEmpty();
    }
}
