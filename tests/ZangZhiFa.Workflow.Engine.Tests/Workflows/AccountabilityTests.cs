using System.Text.Json;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Workflows;

/// <summary>
/// Every path of <c>workflows/accountability.json</c> (失职问责、尽职免责、容错纠错) on the in-memory store, with the
/// shipped notice templates and the real working-day calendar.
/// </summary>
public sealed class AccountabilityTests
{
    private const string Flow = "accountability";
    private const string CaseNumber = "WZ-2026-000001";
    private const string OfficerEmail = "basang@example.test";

    private readonly EngineHarness _engine = new(File.ReadAllText(Path.Combine(RepoPaths.Workflows, "accountability.json")));

    private static JsonObject Inputs(string origin = "lead") => new()
    {
        ["caseFile"] = new JsonObject
        {
            ["caseNumber"] = CaseNumber,
            ["origin"] = origin,
            ["sourceCaseNumber"] = origin == "complaint" ? "TS-2026-000001" : null,
            ["summary"] = "在八廓街收缴摊位物品时未出示执法证件",
            ["facts"] = "执法记录仪显示执法人员未出示证件即扣押物品",
        },
        ["officer"] = new JsonObject
        {
            ["name"] = "巴桑",
            ["unitCode"] = "540102-cgzf",
            ["unitName"] = "城关区城市管理综合行政执法局",
            ["email"] = OfficerEmail,
        },
        ["supervisingUnitCode"] = "540102",
        ["supervisingUnitName"] = "城关区司法局",
    };

    private async Task<Guid> StartAsync(string origin = "lead") => (await _engine.StartAsync(Flow, Inputs(origin), CaseNumber)).Id;

    private async Task<int> SignalAsync(Guid id, string signal, JsonObject payload)
    {
        var resumed = await _engine.Runner().SignalAsync(id, signal, payload, "handler.chengguan", CancellationToken.None);
        await _engine.Store.SaveChangesAsync(CancellationToken.None);
        return resumed;
    }

    private JsonObject Variables(Guid id) => JsonNode.Parse(_engine.Instance(id).VariablesJson)!.AsObject();

    private string Stage(Guid id) => Variables(id)["stage"]!.GetValue<string>();

    private List<string> Timeline(Guid id) => [.. Variables(id)["timeline"]!.AsArray().Select(e => e!["text"]!.GetValue<string>())];

    private IssuedNotice Notice(string title) => _engine.Store.Notices.Single(n => n.Title == title);

    private Task StatementAsync(Guid id) => SignalAsync(id, "statement", new JsonObject { ["text"] = "当时现场混乱，证件已佩戴在胸前" });

    private Task InvestigateAsync() =>
        _engine.CompleteAsync(_engine.OpenTask("investigate"), "调查完毕", new JsonObject { ["facts"] = "经调取执法记录仪，执法人员佩戴证件但未主动出示" }, "handler.chengguan");

    private Task DetermineAsync(string outcome, JsonObject? grounds = null)
    {
        var fields = grounds ?? [];
        fields["reasons"] = "对照免责清单逐项认定";
        return _engine.CompleteAsync(_engine.OpenTask("determine"), outcome, fields, "handler.chengguan");
    }

    private Task DecideAsync(string outcome, string? form = null) =>
        _engine.CompleteAsync(_engine.OpenTask("decide"), outcome, new JsonObject
        {
            ["reasons"] = "执法人员未依法出示执法证件，程序违法",
            ["basis"] = "《中华人民共和国行政处罚法》第五十五条",
            ["form"] = form,
            ["rectification"] = outcome == "免责" ? null : "组织执法人员学习执法程序，规范亮证执法",
        }, "lead.chengguan");

    private async Task ToDecisionAsync(Guid id, string determination = "建议追责")
    {
        await StatementAsync(id);
        await InvestigateAsync();
        await DetermineAsync(determination);
        Stage(id).Should().Be("待决定");
    }

    private void ShouldBeClosed(Guid id)
    {
        _engine.Instance(id).Status.Should().Be(WorkflowStatus.Completed);
        _engine.Store.Bookmarks.Where(b => b.InstanceId == id).Should().BeEmpty();
        _engine.OpenTasks(id).Should().BeEmpty();
    }

    [Fact]
    public async Task LeadCase_RunsToClosure_WhenAccountableAndCorrectedWithoutReconsideration()
    {
        var id = await StartAsync();

        Stage(id).Should().Be("陈述申辩", "a lead's case is filed when it is started");
        var statementNotice = Notice("陈述申辩告知书");
        statementNotice.DocumentNumber.Should().Be("藏司问〔2026〕1号");
        statementNotice.Html.Should().Contain("巴桑：").And.Contain("在八廓街收缴摊位物品时未出示执法证件").And.Contain("5个工作日内");
        _engine.Store.Mails.Should().Contain(m => m.NoticeId == statementNotice.Id && m.To == OfficerEmail);

        await StatementAsync(id);
        Variables(id)["statement"]!["text"]!.GetValue<string>().Should().Be("当时现场混乱，证件已佩戴在胸前");
        await InvestigateAsync();
        await DetermineAsync("建议追责");
        var decide = _engine.OpenTask("decide");
        decide.Title.Should().Be("问责决定：WZ-2026-000001（巴桑，认定意见：建议追责）");
        (decide.AssigneeRole, decide.OrgUnitCode).Should().Be(("监督科长", "540102"));

        await DecideAsync("追责", "书面检讨");

        var decision = Notice("问责决定书");
        decision.Html.Should().Contain("予以<strong>书面检讨</strong>").And.Contain("听取并核查了你的陈述申辩")
            .And.Contain("执法人员佩戴证件但未主动出示").And.Contain("30日内向本机关申请复核").And.Contain("本决定不停止执行");
        var rectificationNotice = Notice("整改通知书");
        rectificationNotice.Html.Should().Contain("城关区城市管理综合行政执法局：").And.Contain(decision.DocumentNumber!)
            .And.Contain("规范亮证执法").And.Contain("10个工作日内");
        var rectify = _engine.OpenTask("rectify");
        (rectify.AssigneeRole, rectify.OrgUnitCode).Should().Be(("承办人", "540102-cgzf"), "the officer's own unit corrects");

        await _engine.CompleteAsync(rectify, "已整改", new JsonObject { ["report"] = "已组织全员学习亮证执法规定" }, "unit.staff");
        await _engine.CompleteAsync(_engine.OpenTask("verify"), "通过", new JsonObject { ["opinion"] = "整改到位" }, "handler.chengguan");
        Stage(id).Should().Be("整改中", "the 复核 window is still open");

        await _engine.AdvanceAsync(TimeSpan.FromDays(31));

        Stage(id).Should().Be("已结案");
        Timeline(id).Should().Equal(
            "立案，告知执法人员陈述申辩",
            "收到执法人员的陈述申辩",
            "调查核实完毕，进入责任认定",
            "认定意见：建议追责",
            "作出追责决定（书面检讨），已送达问责决定书",
            "整改验收通过",
            "结案");
        _engine.Store.Journal.Where(j => j.InstanceId == id).Select(j => j.ActivityId).Should()
            .Contain(["filed", "await_statement", "investigate", "determine", "decide", "notify_decision", "rectify", "verify", "merge", "close"]);
        ShouldBeClosed(id);
    }

    [Fact]
    public async Task ComplaintCase_EndsWithoutFurtherSteps_WhenTheLeadDeclinesToFileIt()
    {
        var id = await StartAsync("complaint");

        Stage(id).Should().Be("");
        var filing = _engine.OpenTask("file_case");
        await _engine.CompleteAsync(filing, "不予立案", new JsonObject { ["reason"] = "执法人员已调离执法岗位" }, "lead.chengguan");

        Stage(id).Should().Be("不予立案");
        Timeline(id).Should().Equal("决定不予立案：执法人员已调离执法岗位");
        _engine.Store.Notices.Should().BeEmpty("the officer is told nothing of a case never opened");
        ShouldBeClosed(id);
    }

    [Fact]
    public async Task ComplaintCase_TellsTheOfficerOfTheSourceComplaint_WhenFiled()
    {
        var id = await StartAsync("complaint");

        await _engine.CompleteAsync(_engine.OpenTask("file_case"), "立案", actor: "lead.chengguan");

        Stage(id).Should().Be("陈述申辩");
        Notice("陈述申辩告知书").Html.Should().Contain("办理投诉举报（登记编号：TS-2026-000001）中");
    }

    [Fact]
    public async Task Statement_IsTreatedAsWaived_WhenFiveWorkingDaysPass()
    {
        var id = await StartAsync();

        await _engine.AdvanceAsync(TimeSpan.FromDays(4));
        Stage(id).Should().Be("陈述申辩", "Monday 2 March + 5 working days ends Monday 9 March");
        await _engine.AdvanceAsync(TimeSpan.FromDays(4));

        Stage(id).Should().Be("调查中");
        Timeline(id)[^1].Should().Be("执法人员逾期未提出陈述申辩，视为放弃");
        Variables(id)["statement"].Should().BeNull();
        (await SignalAsync(id, "statement", new JsonObject { ["text"] = "迟到的申辩" })).Should().Be(0, "the window has closed");
        _engine.OpenTask("investigate").Should().NotBeNull();
    }

    [Fact]
    public async Task Exemption_IsSentBackToDetermination_WhenNoExemptionGroundIsTicked()
    {
        var id = await StartAsync();
        await StatementAsync(id);
        await InvestigateAsync();

        await DetermineAsync("建议免责");

        Stage(id).Should().Be("认定中");
        Timeline(id)[^1].Should().Be("建议免责但未认定任何免责情形，退回重新认定");
        _engine.OpenTask("determine").Should().NotBeNull("exemption rests on the checklist, never on a bare proposal");
        _engine.OpenTasks(id).Should().NotContain(t => t.ActivityId == "decide");
    }

    [Fact]
    public async Task Exemption_IssuesTheDecisionNamingTheGrounds_AndCloses()
    {
        var id = await StartAsync();
        await StatementAsync(id);
        await InvestigateAsync();
        await DetermineAsync("建议免责", new JsonObject { ["otherPartyFault"] = true, ["diligentProcedure"] = true });

        await DecideAsync("免责");

        var exemption = Notice("免责决定书");
        exemption.Html.Should().Contain("免予追究责任")
            .And.Contain("因行政相对人或者第三人的过错、隐瞒、欺骗等客观原因导致执法错误")
            .And.Contain("已依法履行程序、尽到审慎义务")
            .And.NotContain("因不可抗力", "only the grounds found are named");
        _engine.Store.Mails.Should().Contain(m => m.NoticeId == exemption.Id && m.To == OfficerEmail);
        _engine.Store.Notices.Should().NotContain(n => n.Title == "整改通知书" || n.Title == "问责决定书");
        Stage(id).Should().Be("已结案");
        ShouldBeClosed(id);
    }

    [Fact]
    public async Task Decision_ReturnsToDetermination_WhenTheLeadSendsItBack()
    {
        var id = await StartAsync();
        await ToDecisionAsync(id);

        await DecideAsync("退回重新认定");

        Stage(id).Should().Be("认定中");
        _engine.OpenTask("determine").Should().NotBeNull();
        _engine.Store.Notices.Should().ContainSingle("only the 陈述申辩告知书: nothing was decided");
    }

    [Fact]
    public async Task Mitigated_SaysSoInTheDecision()
    {
        var id = await StartAsync();
        await ToDecisionAsync(id, "建议从轻减轻");

        await DecideAsync("从轻减轻", "诫勉谈话");

        Notice("问责决定书").Html.Should().Contain("依法从轻、减轻处理").And.Contain("<strong>诫勉谈话</strong>");
    }

    [Fact]
    public async Task Correction_GoesBackToTheUnit_WhenVerificationFails()
    {
        var id = await StartAsync();
        await ToDecisionAsync(id);
        await DecideAsync("追责", "通报批评");

        await _engine.CompleteAsync(_engine.OpenTask("rectify"), "已整改", new JsonObject { ["report"] = "已整改" }, "unit.staff");
        await _engine.CompleteAsync(_engine.OpenTask("verify"), "不通过", new JsonObject { ["opinion"] = "未提交学习记录" }, "handler.chengguan");

        Timeline(id)[^1].Should().Be("整改验收不通过，继续整改");
        _engine.OpenTask("rectify").OrgUnitCode.Should().Be("540102-cgzf");
    }

    [Fact]
    public async Task OverdueCorrection_IsSupervisedByTheBodyAbove_WhileTheUnitKeepsTheTask()
    {
        var id = await StartAsync();
        await ToDecisionAsync(id);
        await DecideAsync("追责", "通报批评");

        var due = _engine.OpenTask("rectify").DueAt!.Value;
        due.Should().Be(new DateTimeOffset(2026, 3, 17, 0, 0, 0, TimeSpan.FromHours(8)), "ten working days after Monday 2 March end with Monday 16 March");
        await _engine.AdvanceAsync(due - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));

        var rectify = _engine.OpenTask("rectify");
        rectify.OrgUnitCode.Should().Be("540102-cgzf", "notify mode: the unit still has to correct");
        rectify.EscalationLevel.Should().Be(1);
        var supervision = _engine.Store.Notices.Single(n => n.Title == "督办通知书");
        supervision.Html.Should().Contain("城关区城市管理综合行政执法局：").And.Contain("于2026年3月24日前办结", "five more working days after the escalation on Tuesday 17 March: 18–24 March, the last day named");
        _engine.Store.Mails.Should().Contain(m => m.NoticeId == supervision.Id && m.To == "承办人@540102.test");
    }

    [Fact]
    public async Task Reconsideration_KeepsTheDecisionInForce_AndUpholdingWaitsForTheCorrection()
    {
        var id = await StartAsync();
        await ToDecisionAsync(id);
        await DecideAsync("追责", "调离执法岗位");

        (await SignalAsync(id, "reconsideration", new JsonObject { ["reason"] = "处理过重" })).Should().Be(1);

        _engine.OpenTask("rectify").Should().NotBeNull("复核 does not suspend the decision");
        var review = _engine.OpenTask("reconsideration");
        (review.AssigneeRole, review.OrgUnitCode).Should().Be(("监督科长", "540100"), "the body one level up reviews");
        Variables(id)["await_reconsideration"]!["reason"]!.GetValue<string>().Should().Be("处理过重");

        await _engine.CompleteAsync(review, "维持", new JsonObject { ["reasons"] = "事实清楚，处理适当" }, "lead.lasa");

        var answer = Notice("问责复核决定书");
        answer.Html.Should().Contain("<strong>维持原问责决定</strong>").And.Contain(Notice("问责决定书").DocumentNumber!).And.Contain("理由是：处理过重");
        answer.Html.Should().Contain("<div class=\"issuer-mark\">拉萨市司法局</div>");
        Stage(id).Should().Be("整改中");

        await _engine.CompleteAsync(_engine.OpenTask("rectify"), "已整改", new JsonObject { ["report"] = "已调整岗位" }, "unit.staff");
        await _engine.CompleteAsync(_engine.OpenTask("verify"), "通过", new JsonObject { ["opinion"] = "整改到位" }, "handler.chengguan");

        Stage(id).Should().Be("已结案", "both branches are done: no need to wait out the 复核 window");
        ShouldBeClosed(id);
    }

    [Fact]
    public async Task Reconsideration_EndsTheCaseAndWithdrawsTheCorrection_WhenTheDecisionIsRevoked()
    {
        var id = await StartAsync();
        await ToDecisionAsync(id);
        await DecideAsync("追责", "取消执法资格");
        await SignalAsync(id, "reconsideration", new JsonObject { ["reason"] = "已尽职" });

        await _engine.CompleteAsync(_engine.OpenTask("reconsideration"), "撤销", new JsonObject { ["reasons"] = "执法人员已尽到审慎义务" }, "lead.lasa");

        Notice("问责复核决定书").Html.Should().Contain("<strong>撤销原问责决定</strong>");
        Stage(id).Should().Be("复核撤销");
        _engine.Store.Tasks.Single(t => t.ActivityId == "rectify").Status.Should().Be(WorkflowTaskStatus.Cancelled);
        ShouldBeClosed(id);
    }

    [Fact]
    public async Task Decide_OffersTheFormsOfAccountability_FromTheDefinition()
    {
        var id = await StartAsync();
        await ToDecisionAsync(id);

        var decide = _engine.OpenTask("decide");

        JsonSerializer.Deserialize<List<string>>(decide.OutcomesJson).Should().Equal("免责", "从轻减轻", "追责", "退回重新认定");
        var act = () => _engine.CompleteAsync(decide, "追责", new JsonObject { ["reasons"] = "程序违法" }, "lead.chengguan");
        (await act.Should().ThrowAsync<TaskInputException>("追责 needs the form of accountability and the correction asked for"))
            .Which.Errors.Keys.Should().BeEquivalentTo(["fields.form", "fields.rectification"]);
        _engine.OpenTask("decide").Should().NotBeNull();
    }
}
