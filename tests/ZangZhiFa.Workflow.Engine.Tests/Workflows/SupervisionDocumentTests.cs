using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Workflows;

/// <summary>Every path of <c>workflows/supervision-document.json</c> (行政执法监督通知书/意见书/决定书) on the in-memory store.</summary>
public sealed class SupervisionDocumentTests
{
    private const string CaseNumber = "JD-2026-000001";
    private const string UnitEmail = "fzk@cgzf.example.test";

    private readonly EngineHarness _engine = new(File.ReadAllText(Path.Combine(RepoPaths.Workflows, "supervision-document.json")));

    private async Task<Guid> IssueAsync(string type) =>
        (await _engine.StartAsync("supervision-document", new JsonObject
        {
            ["document"] = new JsonObject
            {
                ["type"] = type,
                ["subject"] = "八廓街占道经营整治",
                ["findings"] = "执法人员在整治中对摊主一律没收物品，未区分情节",
                ["requirement"] = "退还违法扣押的物品，对相关执法人员进行批评教育",
                ["basis"] = "《行政执法监督条例》第二十四条",
            },
            ["unitCode"] = "540102-cgzf",
            ["unitName"] = "城关区城市管理综合行政执法局",
            ["unitEmail"] = UnitEmail,
            ["supervisingUnitCode"] = "540102",
            ["supervisingUnitName"] = "城关区司法局",
        }, CaseNumber)).Id;

    private static DateTimeOffset Beijing(int month, int day) => new(2026, month, day, 0, 0, 0, TimeSpan.FromHours(8));


    /// <summary>The case record's lines written by one activity (the case page's 全过程记录).</summary>
    private string JournalOf(Guid id, string activityId) =>
        string.Join("\n", _engine.Store.Journal.Where(j => j.InstanceId == id && j.ActivityId == activityId).Select(j => $"{j.Event} {j.Summary}"));

    private JsonObject Variables(Guid id) => JsonNode.Parse(_engine.Instance(id).VariablesJson)!.AsObject();

    private string Stage(Guid id) => Variables(id)["stage"]!.GetValue<string>();

    private async Task<int> ObjectAsync(Guid id)
    {
        var resumed = await _engine.Runner().SignalAsync(id, "objection", new JsonObject { ["reason"] = "扣押物品系依法实施" }, "officer.cgzf", CancellationToken.None);
        await _engine.Store.SaveChangesAsync(CancellationToken.None);
        return resumed;
    }

    private Task CorrectAsync() =>
        _engine.CompleteAsync(_engine.OpenTask("rectify"), "已纠正报告", new JsonObject { ["report"] = "已退还物品，已组织学习" }, "officer.cgzf");

    [Theory]
    [InlineData("通知书", "行政执法监督通知书", "及时核查处理")]
    [InlineData("意见书", "行政执法监督意见书", "完善相关制度和工作机制")]
    public async Task NoticeOrOpinion_IsServedAndRecorded_WithoutATaskForTheUnit(string type, string title, string ask)
    {
        var id = await IssueAsync(type);

        var notice = _engine.Store.Notices.Single();
        (notice.Title, notice.DocumentNumber).Should().Be((title, "藏司监〔2026〕1号"));
        notice.Html.Should().Contain("<div class=\"issuer-mark\">城关区司法局</div>").And.Contain("城关区城市管理综合行政执法局：")
            .And.Contain("未区分情节").And.Contain(ask);
        _engine.Store.Mails.Should().ContainSingle(m => m.To == UnitEmail);
        Stage(id).Should().Be("已送达");
        _engine.Instance(id).Status.Should().Be(WorkflowStatus.Completed);
    }

    [Fact]
    public async Task Decision_RunsToClosure_WhenCorrectedVerifiedAndNotObjectedTo()
    {
        var id = await IssueAsync("决定书");

        _engine.Store.Notices.Single().Html.Should().Contain("本机关决定责令你单位纠正").And.Contain("10个工作日内纠正")
            .And.Contain("5个工作日内向本机关书面提出").And.Contain("异议期间，本决定不停止执行");
        var rectify = _engine.OpenTask("rectify");
        (rectify.AssigneeRole, rectify.OrgUnitCode).Should().Be(("承办人", "540102-cgzf"));
        rectify.DueAt.Should().Be(new DateTimeOffset(2026, 3, 17, 0, 0, 0, TimeSpan.FromHours(8)));

        await CorrectAsync();
        await _engine.CompleteAsync(_engine.OpenTask("verify"), "通过", [], "lead.chengguan");
        Stage(id).Should().Be("纠正中", "the objection window is still open");

        await _engine.AdvanceAsync(TimeSpan.FromDays(8)); // five working days after Monday 2 March end with Monday 9 March

        Stage(id).Should().Be("已办结");
        _engine.Instance(id).Status.Should().Be(WorkflowStatus.Completed);
    }

    [Fact]
    public async Task Decision_SendsTheUnitBack_WhenTheCorrectionFallsShort()
    {
        await IssueAsync("决定书");
        await CorrectAsync();

        await _engine.CompleteAsync(_engine.OpenTask("verify"), "不通过", new JsonObject { ["opinion"] = "未对执法人员进行批评教育" }, "lead.chengguan");

        _engine.OpenTask("rectify").Should().NotBeNull();
    }

    [Fact]
    public async Task Objection_IsAnsweredWhileTheCorrectionGoesOn_AndUpholdingWaitsForIt()
    {
        var id = await IssueAsync("决定书");

        (await ObjectAsync(id)).Should().Be(1);
        _engine.OpenTask("rectify").Should().NotBeNull("the objection does not suspend the decision");
        var answer = _engine.OpenTask("answer_objection");
        (answer.AssigneeRole, answer.OrgUnitCode).Should().Be(("监督科长", "540102"));

        await _engine.CompleteAsync(answer, "维持", new JsonObject { ["reasons"] = "扣押未区分情节，违反比例原则" }, "lead.chengguan");

        var reply = _engine.Store.Notices.Single(n => n.Title == "行政执法监督异议答复书");
        reply.Html.Should().Contain("《行政执法监督决定书》（藏司监〔2026〕1号）").And.Contain("理由是：扣押物品系依法实施")
            .And.Contain("<strong>维持原监督决定</strong>").And.Contain("继续纠正");
        Stage(id).Should().Be("纠正中");
        (await ObjectAsync(id)).Should().Be(0, "one objection per decision");

        await CorrectAsync();
        await _engine.CompleteAsync(_engine.OpenTask("verify"), "通过", [], "lead.chengguan");
        Stage(id).Should().Be("已办结");
    }

    [Fact]
    public async Task Objection_EndsTheCase_WhenTheDecisionIsRevoked()
    {
        var id = await IssueAsync("决定书");
        await ObjectAsync(id);

        await _engine.CompleteAsync(_engine.OpenTask("answer_objection"), "撤销", new JsonObject { ["reasons"] = "经核实，扣押物品均系依法实施" }, "lead.chengguan");

        Stage(id).Should().Be("已撤销");
        _engine.Instance(id).Status.Should().Be(WorkflowStatus.Completed);
        _engine.OpenTasks(id).Should().BeEmpty("the correction is withdrawn with the decision");
    }

    [Fact]
    public async Task Objection_IsRefused_AfterFiveWorkingDays()
    {
        var id = await IssueAsync("决定书");

        await _engine.AdvanceAsync(TimeSpan.FromDays(8));

        (await ObjectAsync(id)).Should().Be(0);
        _engine.Store.Tasks.Should().NotContain(t => t.ActivityId == "answer_objection");
    }

    [Fact]
    public async Task OverdueObjectionAnswer_IsSupervisedFromTheLevelAbove_WhileTheLeadKeepsTheTask()
    {
        var id = await IssueAsync("决定书");
        await CorrectAsync();
        await _engine.CompleteAsync(_engine.OpenTask("verify"), "通过", [], "lead.chengguan");
        await ObjectAsync(id);
        var due = _engine.OpenTask("answer_objection").DueAt!.Value;
        due.Should().Be(Beijing(3, 17), "ten working days from Monday 2 March end on Monday 16 March");

        await _engine.AdvanceAsync(due - _engine.Time.GetUtcNow() - TimeSpan.FromMinutes(1));
        _engine.Store.Notices.Should().NotContain(n => n.Title == "督办通知书", "the limit has not passed yet");
        await _engine.AdvanceAsync(TimeSpan.FromMinutes(2));

        var answer = _engine.OpenTask("answer_objection");
        (answer.AssigneeRole, answer.OrgUnitCode, answer.EscalationLevel).Should().Be(("监督科长", "540102", 1), "notify: the lead keeps the task and the level above supervises");
        answer.DueAt.Should().Be(Beijing(3, 25), "five more working days, Wednesday 18 to Tuesday 24 March");
        var supervision = _engine.Store.Notices.Single(n => n.Title == "督办通知书");
        supervision.DocumentNumber.Should().Be("藏司督〔2026〕1号");
        NoticeHtml.IssuerOf(supervision.Html).Should().Be("拉萨市司法局");
        supervision.Html.Should().Contain("城关区司法局：").And.Contain("你单位承办的“答复监督决定异议：八廓街占道经营整治（JD-2026-000001）”事项，已超过规定办理时限")
            .And.Contain("业务编号：" + CaseNumber).And.Contain("请你单位接到本通知后立即办理").And.NotContain("提级办理");
        _engine.Store.Mails.Where(m => m.NoticeId == supervision.Id).Select(m => m.To).Should().BeEquivalentTo(["监督科长@540100.test", "监督科长@540102.test"]);
        JournalOf(id, "escalate_answer_objection").Should().Contain("答复监督决定异议：八廓街占道经营整治（JD-2026-000001）：城关区司法局 → 拉萨市司法局")
            .And.Contain("督办通知书 藏司督〔2026〕1号");

        await _engine.CompleteAsync(answer, "维持", new JsonObject { ["reasons"] = "扣押未区分情节，违反比例原则" }, "lead.chengguan");
        Stage(id).Should().Be("已办结", "the late answer still closes the case");
    }

    [Fact]
    public async Task OverdueObjectionAnswer_IsSupervisedFromTheRegionTheSecondTime_AndThenNoHigher()
    {
        var id = await IssueAsync("决定书");
        await CorrectAsync();
        await _engine.CompleteAsync(_engine.OpenTask("verify"), "通过", [], "lead.chengguan");
        await ObjectAsync(id);
        await _engine.AdvanceAsync(Beijing(3, 17) - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));
        NoticeHtml.IssuerOf(_engine.Store.Notices.Single(n => n.Title == "督办通知书").Html).Should().Be("拉萨市司法局");

        await _engine.AdvanceAsync(Beijing(3, 25) - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));

        var answer = _engine.OpenTask("answer_objection");
        (answer.OrgUnitCode, answer.EscalationLevel).Should().Be(("540102", 2), "notify: the lead still keeps the task");
        answer.DueAt.Should().Be(Beijing(4, 2), "five more working days, Thursday 26 March to Wednesday 1 April");
        var second = _engine.Store.Notices.Where(n => n.Title == "督办通知书").Should().HaveCount(2).And.Subject.Last();
        second.DocumentNumber.Should().Be("藏司督〔2026〕2号");
        NoticeHtml.IssuerOf(second.Html).Should().Be("西藏自治区司法厅", "the 2nd 督办 comes from one level above the 1st");
        second.Html.Should().Contain("城关区司法局：").And.Contain("（第2次督办）").And.Contain("<tr><th>督办单位</th><td>西藏自治区司法厅</td></tr>");
        _engine.Store.Mails.Where(m => m.NoticeId == second.Id).Select(m => m.To).Should().BeEquivalentTo(["监督科长@540000.test", "监督科长@540102.test"]);
        JournalOf(id, "escalate_answer_objection").Should().Contain("答复监督决定异议：八廓街占道经营整治（JD-2026-000001）：城关区司法局 → 西藏自治区司法厅");

        await _engine.AdvanceAsync(Beijing(4, 2) - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));

        _engine.Store.Notices.Count(n => n.Title == "督办通知书").Should().Be(2, "there is no level above the region");
        _engine.OpenTask("answer_objection").EscalationLevel.Should().Be(2);
        JournalOf(id, "escalate_answer_objection").Should().Contain("escalation-stopped 答复监督决定异议：八廓街占道经营整治（JD-2026-000001）：已督办至最高层级（西藏自治区司法厅）");
    }

    [Fact]
    public async Task LateCorrection_IsSupervised_WhileTheUnitKeepsTheTask()
    {
        await IssueAsync("决定书");
        var due = _engine.OpenTask("rectify").DueAt!.Value;

        await _engine.AdvanceAsync(due - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));

        var rectify = _engine.OpenTask("rectify");
        (rectify.OrgUnitCode, rectify.EscalationLevel).Should().Be(("540102-cgzf", 1));
        _engine.Store.Notices.Single(n => n.Title == "督办通知书").Html.Should().Contain("<div class=\"issuer-mark\">城关区司法局</div>");
    }
}
