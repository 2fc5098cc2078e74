using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Workflows;

/// <summary>
/// The shipped 投诉举报办理 flow (workflows/complaint-intake.json), walked path by path on the engine with the real
/// calendar and notice templates. The clock starts Monday 2026-03-02 09:00 Beijing time; the complaint is about
/// an enforcement unit supervised by 城关区司法局 (540102), whose parents are 拉萨市司法局 and 自治区司法厅.
/// </summary>
public sealed class ComplaintIntakeTests
{
    private const string Flow = "complaint-intake";
    private const string Email = "cirenzhuoma@example.test";
    private const string Name = "次仁卓玛";
    private static readonly string[] StaffNames = ["clerk.chengguan", "handler.chengguan", "lead.chengguan", "lead.lasa"];

    private readonly EngineHarness _engine = new(
        File.ReadAllText(Path.Combine(RepoPaths.Workflows, "accountability.json")),
        File.ReadAllText(Path.Combine(RepoPaths.Workflows, "supervisor-assignment.json")),
        File.ReadAllText(Path.Combine(RepoPaths.Workflows, "complaint-intake.json")));

    public ComplaintIntakeTests() => _engine.DomainServices["supervisors.pick"] = new ListSupervisorPicker("supervisor.lasa1", "supervisor.lasa2");

    private static DateTimeOffset Beijing(int month, int day, int hour = 0) => new(2026, month, day, hour, 0, 0, TimeSpan.FromHours(8));

    private static JsonObject Inputs(bool anonymous = false, string email = Email, bool supervisorRequested = false)
    {
        var inputs = new JsonObject
        {
            ["complaint"] = new JsonObject
            {
                ["trackingNumber"] = "TS-2026-000001",
                ["submittedAt"] = "2026-03-02T09:00:00.0000000+08:00",
                ["category"] = "野蛮执法",
                ["description"] = "2026年3月1日上午，城管执法人员在八廓街收缴我的摊位物品时未出示执法证件，并推搡我的家人。",
                ["respondentUnitCode"] = "540102-cgzf",
                ["respondentUnitName"] = "城关区城市管理综合行政执法局",
                ["complainantName"] = anonymous ? null : Name,
                ["anonymous"] = anonymous,
                ["enterprise"] = false,
            },
            ["complainantEmail"] = email,
            ["supervisingUnitCode"] = "540102",
            ["supervisingUnitName"] = "城关区司法局",
        };
        if (supervisorRequested)
        {
            inputs["supervisorRequested"] = true;
        }

        return inputs;
    }

    private async Task<Guid> StartAsync(JsonObject? inputs = null) =>
        (await _engine.StartAsync(Flow, inputs ?? Inputs(), "TS-2026-000001")).Id;

    private async Task<int> SignalAsync(Guid instanceId, string signal, JsonObject payload)
    {
        var resumed = await _engine.Runner().SignalAsync(instanceId, signal, payload, "complainant", CancellationToken.None);
        await _engine.Store.SaveChangesAsync(CancellationToken.None);
        return resumed;
    }

    private JsonObject Variables(Guid id) => JsonNode.Parse(_engine.Instance(id).VariablesJson)!.AsObject();

    private string Stage(Guid id) => Variables(id)["stage"]!.GetValue<string>();

    private List<string> Timeline(Guid id) => [.. Variables(id)["timeline"]!.AsArray().Select(e => e!["text"]!.GetValue<string>())];

    private static List<string> Outcomes(WorkflowTask task) => JsonSerializer.Deserialize<List<string>>(task.OutcomesJson)!;

    private IssuedNotice Notice(string title) => _engine.Store.Notices.Single(n => n.Title == title);


    private Task AcceptAsync() => _engine.CompleteAsync(_engine.OpenTask("acceptance"), "受理", actor: "clerk.chengguan");

    private Task FinishInvestigationAsync() =>
        _engine.CompleteAsync(_engine.OpenTask("investigate"), "调查完毕", new JsonObject { ["facts"] = "经调取执法记录仪视频，执法人员出示了执法证件，未发现推搡行为。" }, "handler.chengguan");

    private Task DecideAsync(string finding = "不属实", bool officerFault = false) =>
        _engine.CompleteAsync(_engine.OpenTask("decide"), finding, new JsonObject
        {
            ["reasons"] = finding == "不属实" ? "执法程序合法，投诉反映的问题缺乏事实依据" : "执法人员未按规定出示证件",
            ["result"] = finding == "不属实" ? "不予支持" : "支持",
            ["handling"] = finding == "不属实" ? null : "责令被投诉单位整改，并对执法人员进行批评教育",
            ["officerFault"] = officerFault,
            ["officerName"] = officerFault ? "巴桑" : null,
        }, "lead.chengguan");

    private async Task ReplyAsync(Guid id)
    {
        await AcceptAsync();
        await FinishInvestigationAsync();
        await DecideAsync();
        Stage(id).Should().Be("已答复");
    }

    /// <summary>办结: the instance is complete and nothing of it waits any more.</summary>
    private void ShouldBeClosed(Guid id)
    {
        _engine.Instance(id).Status.Should().Be(WorkflowStatus.Completed);
        _engine.Store.Bookmarks.Where(b => b.InstanceId == id).Should().BeEmpty();
        _engine.OpenTasks(id).Should().BeEmpty();
    }

    /// <summary>The status page is public: no staff name, no complainant name, no internal comment in it.</summary>
    private void TimelineShouldBePublicSafe(Guid id)
    {
        var text = string.Join("\n", Timeline(id));
        foreach (var secret in StaffNames.Append(Name).Append("执法程序合法").Append("批评教育"))
        {
            text.Should().NotContain(secret);
        }
    }

    [Fact]
    public async Task Start_OpensAcceptanceTaskAtTheSupervisingUnitAndIssuesTheReceipt_WhenComplaintIsRegistered()
    {
        var id = await StartAsync();

        var task = _engine.OpenTask("acceptance");
        task.Title.Should().Be("受理审查：TS-2026-000001（野蛮执法）");
        task.AssigneeRole.Should().Be("受理员");
        task.OrgUnitCode.Should().Be("540102");
        task.CorrelationId.Should().Be("TS-2026-000001");
        task.DueAt.Should().Be(Beijing(3, 10), "five working days after Monday 2 March end with Monday 9 March");
        Outcomes(task).Should().Equal("受理", "不予受理", "转办");
        Stage(id).Should().Be("待受理");
        Timeline(id).Should().Equal("投诉举报已登记，等待受理审查");
        var receipt = Notice("投诉举报受理回执");
        receipt.Audience.Should().Be("complainant");
        receipt.Html.Should().Contain("登记编号为TS-2026-000001").And.Contain(Name);
        _engine.Store.Mails.Should().ContainSingle(m => m.To == Email && m.NoticeId == receipt.Id);
    }

    [Fact]
    public async Task Complaint_IsRepliedAndClosed_WhenAcceptedInvestigatedDecidedAndRatedSatisfied()
    {
        var id = await StartAsync();

        await AcceptAsync();
        Stage(id).Should().Be("调查中");
        Notice("投诉举报受理告知书").Html.Should().Contain("本机关决定予以受理").And.Contain("自受理之日起三十日内办结").And.Contain(Name);
        var investigate = _engine.OpenTask("investigate");
        investigate.AssigneeRole.Should().Be("承办人");
        investigate.OrgUnitCode.Should().Be("540102");
        investigate.DueAt.Should().Be(Beijing(4, 2), "30 days from 2 March end with 1 April");
        Outcomes(investigate).Should().Equal("调查完毕", "申请延期", "要求补正");

        await _engine.AdvanceAsync(TimeSpan.FromDays(10));
        await FinishInvestigationAsync();
        var decide = _engine.OpenTask("decide");
        decide.AssigneeRole.Should().Be("监督科长");
        decide.OrgUnitCode.Should().Be("540102");
        decide.DueAt.Should().Be(Beijing(4, 2), "the decision shares the investigation's 30 days from acceptance");
        Stage(id).Should().Be("调查中");

        await DecideAsync();
        Stage(id).Should().Be("已答复");
        var reply = Notice("投诉举报答复意见书");
        reply.DocumentNumber.Should().Be("藏司投〔2026〕2号");
        reply.Html.Should().Contain("你反映的问题<strong>不属实</strong>")
            .And.Contain("经调取执法记录仪视频，执法人员出示了执法证件，未发现推搡行为。")
            .And.Contain("执法程序合法，投诉反映的问题缺乏事实依据")
            .And.Contain("不予支持")
            .And.Contain("于2026年3月2日依法受理")
            .And.Contain("30日内");
        _engine.Store.Mails.Should().Contain(m => m.To == Email && m.NoticeId == reply.Id);

        (await SignalAsync(id, "satisfaction", new JsonObject { ["rating"] = "满意", ["comment"] = "处理及时" })).Should().Be(1);

        Stage(id).Should().Be("已办结");
        Timeline(id).Should().Equal(
            "投诉举报已登记，等待受理审查",
            "已受理，进入调查核实",
            "已作出答复，送达答复意见书；请对办理结果作出评价",
            "评价：满意，已办结");
        TimelineShouldBePublicSafe(id);
        _engine.Store.Instances.Should().ContainSingle("no accountability case without a fault");
        _engine.Store.Notices.Select(n => n.Title).Should().Equal("投诉举报受理回执", "投诉举报受理告知书", "投诉举报答复意见书");
        _engine.Store.Mails.Should().HaveCount(3).And.OnlyContain(m => m.To == Email, "no reminder was due: every step was done in time");
        ShouldBeClosed(id);
    }

    [Fact]
    public async Task Timeline_RecordsEachStepWithTheFlowsTime_WhenTheCaseMoves()
    {
        var id = await StartAsync();
        await _engine.AdvanceAsync(TimeSpan.FromDays(1));

        await AcceptAsync();

        var entries = Variables(id)["timeline"]!.AsArray();
        entries.Select(e => e!["at"]!.GetValue<string>()).Should().Equal("2026-03-02T09:00:00.0000000+08:00", "2026-03-03T09:00:00.0000000+08:00");
    }

    [Fact]
    public async Task Rejected_IssuesNoticeWithTheReasonAndMailsIt_WhenComplainantGaveAnAddress()
    {
        var id = await StartAsync();

        await _engine.CompleteAsync(_engine.OpenTask("acceptance"), "不予受理", new JsonObject
        {
            ["reason"] = "你反映的事项已由人民法院受理",
            ["suggestion"] = "依法参加诉讼",
        }, "clerk.chengguan");

        var notice = Notice("投诉举报不予受理告知书");
        notice.DocumentNumber.Should().Be("藏司投〔2026〕1号");
        notice.Html.Should().Contain("经审查，你反映的事项已由人民法院受理。").And.Contain("本机关决定不予受理")
            .And.Contain("依法参加诉讼").And.Contain(Name).And.Contain("城关区司法局");
        _engine.Store.Mails.Should().ContainSingle(m => m.NoticeId == notice.Id).Which.To.Should().Be(Email);
        Stage(id).Should().Be("不予受理");
        Timeline(id).Should().Equal("投诉举报已登记，等待受理审查", "决定不予受理，已送达不予受理告知书");
        ShouldBeClosed(id);
    }

    [Fact]
    public async Task Rejected_KeepsNoticesOnFileWithoutMailAndNamesNoOne_WhenComplainantIsAnonymous()
    {
        var id = await StartAsync(Inputs(anonymous: true, email: ""));

        await _engine.CompleteAsync(_engine.OpenTask("acceptance"), "不予受理", new JsonObject { ["reason"] = "没有具体的投诉请求和事实" });

        var notice = Notice("投诉举报不予受理告知书");
        notice.Html.Should().Contain("投诉举报人").And.Contain("经审查，没有具体的投诉请求和事实。").And.NotContain(Name);
        _engine.Store.Notices.Should().HaveCount(2, "the receipt and the refusal are on file for the status page");
        _engine.Store.Mails.Should().BeEmpty("an anonymous complainant who left no address gets nothing mailed");
        ShouldBeClosed(id);
    }

    [Fact]
    public async Task Complete_RequiresTheReason_WhenRefusing()
    {
        await StartAsync();

        var act = () => _engine.CompleteAsync(_engine.OpenTask("acceptance"), "不予受理");

        (await act.Should().ThrowAsync<TaskInputException>()).Which.Errors.Should().ContainKey("fields.reason");
    }

    [Fact]
    public async Task Transferred_TellsTheComplainantWhereTheCaseWent_AndCloses()
    {
        var id = await StartAsync();

        await _engine.CompleteAsync(_engine.OpenTask("acceptance"), "转办", new JsonObject
        {
            ["transferTo"] = "拉萨市市场监督管理局",
            ["reason"] = "你反映的是食品经营问题",
        }, "clerk.chengguan");

        var notice = Notice("投诉举报转办告知书");
        notice.Html.Should().Contain("经审查，你反映的是食品经营问题，依法应由拉萨市市场监督管理局处理")
            .And.Contain("于2026年3月2日将该事项转送拉萨市市场监督管理局");
        _engine.Store.Mails.Should().Contain(m => m.NoticeId == notice.Id && m.To == Email);
        Stage(id).Should().Be("已转办");
        Timeline(id)[^1].Should().Be("已转送拉萨市市场监督管理局依法办理，由其直接答复");
        ShouldBeClosed(id);
    }

    [Fact]
    public async Task Complete_RequiresTheReceivingBody_WhenTransferring()
    {
        await StartAsync();

        var act = () => _engine.CompleteAsync(_engine.OpenTask("acceptance"), "转办");

        (await act.Should().ThrowAsync<TaskInputException>()).Which.Errors.Should().ContainKey("fields.transferTo");
    }

    [Fact]
    public async Task ExtensionApproved_MovesTheDeadlineByThirtyDaysAndTellsTheComplainant_AndOffersNoSecondRequest()
    {
        var id = await StartAsync();
        await AcceptAsync();
        await _engine.AdvanceAsync(TimeSpan.FromDays(20));

        await _engine.CompleteAsync(_engine.OpenTask("investigate"), "申请延期", new JsonObject { ["extensionReason"] = "需调取多个部门的执法记录，案情复杂" }, "handler.chengguan");
        var approval = _engine.OpenTask("approve_extension");
        approval.AssigneeRole.Should().Be("监督科长");
        approval.OrgUnitCode.Should().Be("540102");
        Outcomes(approval).Should().Equal("批准", "不批准");
        _engine.OpenTasks(id).Should().ContainSingle("the investigation waits for the answer");

        await _engine.CompleteAsync(approval, "批准", actor: "lead.chengguan");

        var investigate = _engine.OpenTask("investigate");
        investigate.DueAt.Should().Be(Beijing(5, 2), "1 April + 30 days: the limit now ends with 1 May");
        Outcomes(investigate).Should().Equal(["调查完毕", "要求补正"], "the one extension the law allows has been used");
        var clock = Variables(id)["investigationClock"]!;
        clock["extensions"]!.GetValue<int>().Should().Be(1);
        clock["dueDate"]!.GetValue<string>().Should().Be("2026-05-01");
        var notice = Notice("投诉举报延期办理告知书");
        notice.Html.Should().Contain("因需调取多个部门的执法记录，案情复杂，该事项不能在规定期限内办结")
            .And.Contain("办理期限延长至2026年5月1日（原办结期限为2026年4月1日）")
            .And.Contain("本机关负责人批准");
        _engine.Store.Mails.Should().Contain(m => m.NoticeId == notice.Id && m.To == Email);
        Stage(id).Should().Be("调查中");
        Timeline(id)[^1].Should().Be("经批准，办理期限延长至2026年5月1日");
        TimelineShouldBePublicSafe(id);

        var again = () => _engine.CompleteAsync(investigate, "申请延期", new JsonObject { ["extensionReason"] = "仍需时间" });
        (await again.Should().ThrowAsync<TaskInputException>()).Which.Errors["outcome"].Should().Equal("办理结果须为以下之一：调查完毕、要求补正");
    }

    [Fact]
    public async Task ExtensionRefused_KeepsTheDeadlineAndIssuesNoNotice_AndOffersNoSecondRequest()
    {
        var id = await StartAsync();
        await AcceptAsync();
        await _engine.CompleteAsync(_engine.OpenTask("investigate"), "申请延期", new JsonObject { ["extensionReason"] = "案情复杂" });

        await _engine.CompleteAsync(_engine.OpenTask("approve_extension"), "不批准", actor: "lead.chengguan");

        var investigate = _engine.OpenTask("investigate");
        investigate.DueAt.Should().Be(Beijing(4, 2), "the time spent on the request counted: the clock was not stopped");
        Outcomes(investigate).Should().Equal(["调查完毕", "要求补正"], "one request per case, whatever the answer");
        _engine.Store.Notices.Should().NotContain(n => n.Title == "投诉举报延期办理告知书");
        Timeline(id).Should().HaveCount(2, "an internal refusal is not news for the status page");
    }

    [Fact]
    public async Task Supplement_MovesTheInvestigationDeadlineByExactlyTheDaysWaited_WhenItArrivesAfterSevenDays()
    {
        var id = await StartAsync();
        await AcceptAsync();
        await _engine.AdvanceAsync(TimeSpan.FromDays(10));

        await _engine.CompleteAsync(_engine.OpenTask("investigate"), "要求补正", new JsonObject
        {
            ["missing"] = "执法现场的照片或视频",
            ["supplementReason"] = "你反映的推搡行为缺少证据",
        }, "handler.chengguan");

        Stage(id).Should().Be("待补正");
        _engine.OpenTasks(id).Should().BeEmpty();
        Variables(id)["supplementDueDate"]!.GetValue<string>().Should().Be("2026-03-27");
        var notice = Notice("投诉举报补正材料通知书");
        notice.Html.Should().Contain("经审查，你反映的推搡行为缺少证据").And.Contain("请你于2026年3月27日前补充或者更正下列材料")
            .And.Contain("执法现场的照片或视频").And.Contain("等待补正材料的时间不计入办理期限");
        _engine.Store.Mails.Should().Contain(m => m.NoticeId == notice.Id && m.To == Email);
        Variables(id)["investigationClock"]!["pausedAt"]!.GetValue<string>().Should().Be("2026-03-12T09:00:00.0000000+08:00");

        await _engine.AdvanceAsync(TimeSpan.FromDays(7));
        (await SignalAsync(id, "supplement", new JsonObject { ["text"] = "补充现场视频一段" })).Should().Be(1);

        var investigate = _engine.OpenTask("investigate");
        investigate.DueAt.Should().Be(Beijing(4, 2) + TimeSpan.FromDays(7), "the seven days spent waiting do not count (SAMR Art. 20)");
        investigate.OrgUnitCode.Should().Be("540102");
        Stage(id).Should().Be("调查中");
        Variables(id)["supplements"]!.AsArray().Single()!["text"]!.GetValue<string>().Should().Be("补充现场视频一段");
        Variables(id)["investigationClock"]!["pausedTotal"]!.GetValue<string>().Should().Be("P7D");
        _engine.Store.Bookmarks.Should().NotContain(b => b.InstanceId == id && b.Name == "timeout", "the supplement arrived: its time limit is gone");
        Timeline(id).Should().Equal(
            "投诉举报已登记，等待受理审查",
            "已受理，进入调查核实",
            "需要补正材料，已送达补正材料通知书；等待补正期间不计入办理期限",
            "已收到补正材料，继续调查核实");
        (await SignalAsync(id, "supplement", new JsonObject { ["text"] = "再补充" })).Should().Be(0, "nothing waits for a supplement any more (the API answers 409)");
    }

    [Fact]
    public async Task Supplement_KeepsTheRemindersOfTheWholeLimit_WhenTheClockResumes()
    {
        var id = await StartAsync();
        await AcceptAsync();
        await _engine.AdvanceAsync(TimeSpan.FromDays(16));
        _engine.Store.Mails.Should().ContainSingle(m => m.Subject.StartsWith("【办理提醒】调查核实", StringComparison.Ordinal), "half of the 30 days has passed");
        await _engine.CompleteAsync(_engine.OpenTask("investigate"), "要求补正", new JsonObject { ["missing"] = "照片" });
        await _engine.AdvanceAsync(TimeSpan.FromDays(5));
        await SignalAsync(id, "supplement", new JsonObject { ["text"] = "照片" });

        await _engine.AdvanceAsync(TimeSpan.FromDays(7.5));

        _engine.Store.Mails.Count(m => m.Subject.StartsWith("【办理提醒】调查核实", StringComparison.Ordinal)).Should().Be(1,
            "the 0.5 reminder is not repeated, and 0.8 (day 24.5 of the limit, 29.5 with the five days stopped) is not due yet");
        await _engine.AdvanceAsync(TimeSpan.FromDays(1.1));
        _engine.Store.Mails.Count(m => m.Subject.StartsWith("【办理提醒】调查核实", StringComparison.Ordinal)).Should().Be(2);
    }

    [Fact]
    public async Task SupplementTimeout_RefusesTheComplaintWithANotice_WhenNothingArrivesByTheLastDay()
    {
        var id = await StartAsync();
        await AcceptAsync();
        await _engine.CompleteAsync(_engine.OpenTask("investigate"), "要求补正", new JsonObject { ["missing"] = "执法现场的照片或视频" });

        await _engine.AdvanceAsync(TimeSpan.FromDays(15));
        Stage(id).Should().Be("待补正", "17 March, the last day of the 15, is not over yet");

        await _engine.AdvanceAsync(TimeSpan.FromDays(1));

        Stage(id).Should().Be("不予受理");
        var notice = _engine.Store.Notices.Last();
        notice.Title.Should().Be("投诉举报不予受理告知书");
        notice.Html.Should().Contain("本机关已于2026年3月2日书面通知你补正材料，你未在补正期限内（2026年3月17日前）补正").And.Contain("本机关决定不予受理");
        _engine.Store.Mails.Should().Contain(m => m.NoticeId == notice.Id && m.To == Email);
        Timeline(id)[^1].Should().Be("补正期限届满未收到补正材料，决定不予受理，已送达不予受理告知书");
        ShouldBeClosed(id);
        (await SignalAsync(id, "supplement", new JsonObject { ["text"] = "迟到的材料" })).Should().Be(0);
    }

    [Fact]
    public async Task Overdue_EscalatesAcceptanceToTheCityAndThenTheRegion_WithSupervisionNotices()
    {
        var id = await StartAsync();

        await _engine.AdvanceAsync(TimeSpan.FromDays(8.1));

        _engine.Store.Mails.Where(m => m.Subject.StartsWith("【办理提醒】", StringComparison.Ordinal)).Should().HaveCount(2)
            .And.OnlyContain(m => m.To == "受理员@540102.test", "reminders at 0.5 and 0.8 of the five working days");
        var task = _engine.OpenTask("acceptance");
        task.OrgUnitCode.Should().Be("540100");
        task.EscalationLevel.Should().Be(1);
        var first = _engine.Store.Notices.Single(n => n.Title == "督办通知书");
        first.DocumentNumber.Should().Be("藏司督〔2026〕1号");
        first.Html.Should().Contain("城关区司法局：").And.Contain("你单位承办的“受理审查：TS-2026-000001（野蛮执法）”事项，已超过规定办理时限仍未办结")
            .And.Contain("自即日起，该事项由本机关提级办理").And.Contain("业务编号：TS-2026-000001").And.NotContain(Name)
            .And.Contain("<tr><th>办结期限</th><td>2026年3月17日</td></tr>", "five more working days end on Tuesday 17 March, not the midnight after it");
        NoticeHtml.IssuerOf(first.Html).Should().Be("拉萨市司法局", "the body one level up supervises, not the unit that let the limit pass");
        _engine.Store.Mails.Where(m => m.NoticeId == first.Id).Select(m => m.To).Should().BeEquivalentTo(["受理员@540100.test", "受理员@540102.test"]);

        await _engine.AdvanceAsync(TimeSpan.FromDays(8));
        task.OrgUnitCode.Should().Be("540000", "still overdue after five more working days (ending Tuesday 17 March): 西藏自治区司法厅");
        var second = _engine.Store.Notices.Where(n => n.Title == "督办通知书").Last();
        second.Html.Should().Contain("拉萨市司法局：").And.Contain("第2次督办");
        NoticeHtml.IssuerOf(second.Html).Should().Be("西藏自治区司法厅");

        await _engine.AdvanceAsync(TimeSpan.FromDays(30));
        task.OrgUnitCode.Should().Be("540000");
        _engine.Store.Notices.Count(n => n.Title == "督办通知书").Should().Be(2, "maxLevel 2 stops a third escalation");
        _engine.Store.Journal.Should().Contain(j => j.InstanceId == id && j.Event == "escalation-stopped");
        Stage(id).Should().Be("待受理", "escalation is internal; the complainant's stage does not change");
    }

    [Fact]
    public async Task InvestigationOverdue_EscalatesAndTheReopenedTaskStaysWithTheUnitAbove_WhenASupplementComesBack()
    {
        var id = await StartAsync();
        await AcceptAsync();
        await _engine.AdvanceAsync(TimeSpan.FromDays(31));
        var escalated = _engine.OpenTask("investigate");
        escalated.OrgUnitCode.Should().Be("540100");
        escalated.EscalationLevel.Should().Be(1);
        var rearmed = escalated.DueAt!.Value;
        rearmed.Should().BeAfter(Beijing(4, 2));

        await _engine.CompleteAsync(escalated, "要求补正", new JsonObject { ["missing"] = "照片" }, "handler.lasa");
        await _engine.AdvanceAsync(TimeSpan.FromDays(3));
        await SignalAsync(id, "supplement", new JsonObject { ["text"] = "照片" });

        var reopened = _engine.OpenTask("investigate");
        reopened.OrgUnitCode.Should().Be("540100", "拉萨市司法局 took the case over; it comes back to them");
        reopened.EscalationLevel.Should().Be(1);
        reopened.DueAt.Should().Be(rearmed + TimeSpan.FromDays(3));
        _engine.Store.Notices.Count(n => n.Title == "督办通知书").Should().Be(1, "the supplement did not restart the escalation");
    }

    [Fact]
    public async Task Dissatisfied_LeadsToReviewAtTheUnitAboveAndAReviewDecision_ThenCloses()
    {
        var id = await StartAsync();
        await ReplyAsync(id);

        (await SignalAsync(id, "satisfaction", new JsonObject { ["rating"] = "不满意", ["comment"] = "请求认定执法人员推搡行为属实" })).Should().Be(1);

        Stage(id).Should().Be("复查中");
        var review = _engine.OpenTask("review_case");
        review.AssigneeRole.Should().Be("监督科长");
        review.OrgUnitCode.Should().Be("540100", "复查 is done by the body one level above the one that replied (信访工作条例 Art. 35)");
        review.DueAt.Should().Be(Beijing(4, 2));

        await _engine.CompleteAsync(review, "维持", new JsonObject
        {
            ["facts"] = "原答复认定的事实清楚，证据充分",
            ["reasons"] = "原处理意见适用依据正确",
        }, "lead.lasa");

        var decision = Notice("投诉举报复查决定书");
        decision.Html.Should().Contain("维持原答复意见")
            .And.Contain("你对城关区司法局就你的投诉举报（登记编号：TS-2026-000001）作出的《答复意见书》（藏司投〔2026〕2号）不服")
            .And.Contain("请求认定执法人员推搡行为属实")
            .And.Contain("原处理意见适用依据正确")
            .And.Contain("拉萨市司法局")
            .And.Contain("30日内");
        _engine.Store.Mails.Should().Contain(m => m.NoticeId == decision.Id && m.To == Email);
        Stage(id).Should().Be("已办结");
        Timeline(id)[^3..].Should().Equal(
            "已作出答复，送达答复意见书；请对办理结果作出评价",
            "评价：不满意，已转入复查",
            "已作出复查决定，送达复查决定书，已办结");
        TimelineShouldBePublicSafe(id);
        ShouldBeClosed(id);
    }

    [Fact]
    public async Task ReviewOverdue_EscalatesToTheRegion_WhenTheCityDoesNotDecideInThirtyDays()
    {
        var id = await StartAsync();
        await ReplyAsync(id);
        await SignalAsync(id, "satisfaction", new JsonObject { ["rating"] = "不满意" });

        await _engine.AdvanceAsync(TimeSpan.FromDays(31));

        _engine.OpenTask("review_case").OrgUnitCode.Should().Be("540000");
        _engine.Store.Notices.Should().Contain(n => n.Title == "督办通知书" && n.Html.Contains("拉萨市司法局：") && n.Html.Contains("你单位承办的“复查：TS-2026-000001（野蛮执法）”") && NoticeHtml.IssuerOf(n.Html) == "西藏自治区司法厅");
    }

    [Fact]
    public async Task SatisfactionTimeout_ClosesWithoutARating_WhenThirtyDaysPass()
    {
        var id = await StartAsync();
        await ReplyAsync(id);

        await _engine.AdvanceAsync(TimeSpan.FromDays(29));
        Stage(id).Should().Be("已答复", "the complainant may still rate and so ask for 复查");

        await _engine.AdvanceAsync(TimeSpan.FromDays(2));

        Stage(id).Should().Be("已办结");
        Timeline(id)[^1].Should().Be("回访期满未评价，已办结");
        ShouldBeClosed(id);
        (await SignalAsync(id, "satisfaction", new JsonObject { ["rating"] = "不满意" })).Should().Be(0, "too late: the API answers 409");
    }

    [Theory]
    [InlineData("属实", true, true)]
    [InlineData("部分属实", true, true)]
    [InlineData("属实", false, false)]
    [InlineData("不属实", true, false)]
    public async Task Decision_OpensAnAccountabilityCase_OnlyWhenTheFindingHoldsAndTheOfficerWasAtFault(string finding, bool officerFault, bool expected)
    {
        var id = await StartAsync();
        await AcceptAsync();
        await FinishInvestigationAsync();

        await DecideAsync(finding, officerFault);

        var child = _engine.Store.Instances.SingleOrDefault(i => i.DefinitionId == "accountability");
        if (!expected)
        {
            child.Should().BeNull();
        }
        else
        {
            child!.CorrelationId.Should().Be("TS-2026-000001-WZ", "its own case number, so its record is not mixed with the complaint's");
            child.ParentInstanceId.Should().Be(id);
            var filing = _engine.OpenTasks(child.Id).Should().ContainSingle().Subject;
            filing.ActivityId.Should().Be("file_case");
            filing.Title.Should().Be("问责立案审查：TS-2026-000001-WZ（巴桑）");
            (filing.AssigneeRole, filing.OrgUnitCode).Should().Be(("监督科长", "540102"));
            var handedOver = JsonNode.Parse(child.VariablesJson)!.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            handedOver.Should().Contain("城关区城市管理综合行政执法局").And.Contain("执法人员未按规定出示证件")
                .And.NotContain(Name, "the complainant's identity never reaches the accountability case").And.NotContain(Email);
        }

        Notice("投诉举报答复意见书").Html.Should().Contain($"你反映的问题<strong>{finding}</strong>");
        Stage(id).Should().Be("已答复", "accountability does not hold up the reply");
    }

    [Fact]
    public async Task Decision_RequiresTheMeasures_WhenTheComplaintIsSubstantiated()
    {
        await StartAsync();
        await AcceptAsync();
        await FinishInvestigationAsync();

        var act = () => _engine.CompleteAsync(_engine.OpenTask("decide"), "属实", new JsonObject { ["reasons"] = "属实", ["result"] = "支持" });

        (await act.Should().ThrowAsync<TaskInputException>()).Which.Errors.Should().ContainKey("fields.handling");
    }

    [Fact]
    public async Task InvitedSupervisor_TakesPartBeforeTheDecision_WhenRequested()
    {
        var id = await StartAsync(Inputs(supervisorRequested: true));
        await AcceptAsync();

        await FinishInvestigationAsync();

        var invite = _engine.OpenTask("invite");
        (invite.AssigneeUser, invite.Title).Should().Be(("supervisor.lasa1", "特邀监督邀请：野蛮执法投诉（城关区城市管理综合行政执法局）（TS-2026-000001）"));
        _engine.Store.Instances.Single(i => i.DefinitionId == "supervisor-assignment").VariablesJson.Should().NotContain(Name, "no complainant data reaches the supervisor");
        await _engine.CompleteAsync(invite, "接受", [], "supervisor.lasa1");
        await _engine.CompleteAsync(_engine.OpenTask("opinion"), "提交意见", new JsonObject { ["opinion"] = "调查程序规范" }, "supervisor.lasa1");
        _engine.OpenTasks(id).Should().BeEmpty("the decision waits for the unit's answer to the opinion");

        await _engine.CompleteAsync(_engine.OpenTask("reply"), "已答复", new JsonObject { ["reply"] = "已采纳，补充调取视频" }, "handler.chengguan");

        _engine.OpenTask("decide").DueAt.Should().Be(Beijing(4, 2), "the investigation clock ran on meanwhile");
    }

    [Fact]
    public async Task InvitedSupervisorOpinion_IsSupervisedFromTheLevelAbove_WhenTheUnitDoesNotAnswerInFiveWorkingDays()
    {
        var id = await StartAsync(Inputs(supervisorRequested: true));
        await AcceptAsync();
        await FinishInvestigationAsync();
        await _engine.CompleteAsync(_engine.OpenTask("invite"), "接受", [], "supervisor.lasa1");
        await _engine.CompleteAsync(_engine.OpenTask("opinion"), "提交意见", new JsonObject { ["opinion"] = "调查未调取执法记录仪视频" }, "supervisor.lasa1");
        var due = _engine.OpenTask("reply").DueAt!.Value;
        due.Should().Be(Beijing(3, 10), "five working days from Monday 2 March end on Monday 9 March");

        await _engine.AdvanceAsync(due - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));

        // supervisor-assignment escalates the answer in notify mode: the handling unit keeps it, the level above supervises.
        var reply = _engine.OpenTask("reply");
        (reply.AssigneeRole, reply.OrgUnitCode, reply.EscalationLevel).Should().Be(("承办人", "540102", 1));
        reply.DueAt.Should().Be(Beijing(3, 14), "three more working days, Wednesday 11 to Friday 13 March");
        var supervision = Notice("督办通知书");
        supervision.DocumentNumber.Should().Be("藏司督〔2026〕1号");
        NoticeHtml.IssuerOf(supervision.Html).Should().Be("拉萨市司法局");
        supervision.Html.Should().Contain("城关区司法局：")
            .And.Contain("你单位承办的“答复特邀监督员意见：野蛮执法投诉（城关区城市管理综合行政执法局）（TS-2026-000001）”事项，已超过规定办理时限")
            .And.Contain("业务编号：TS-2026-000001").And.Contain("请你单位接到本通知后立即办理").And.NotContain(Name);
        _engine.Store.Mails.Where(m => m.NoticeId == supervision.Id).Select(m => m.To).Should().BeEquivalentTo(["承办人@540100.test", "承办人@540102.test"]);
        _engine.Store.Journal.Should().Contain(j => j.CorrelationId == "TS-2026-000001" && j.ActivityId == "escalate_reply"
            && j.Summary == "答复特邀监督员意见：野蛮执法投诉（城关区城市管理综合行政执法局）（TS-2026-000001）：城关区司法局 → 拉萨市司法局");
        _engine.OpenTasks(id).Should().BeEmpty("the decision still waits for the answer");

        await _engine.CompleteAsync(reply, "已答复", new JsonObject { ["reply"] = "已补充调取执法记录仪视频" }, "handler.chengguan");
        _engine.OpenTask("decide").Should().NotBeNull();
    }

    [Fact]
    public async Task InvitedSupervisorOpinion_IsSupervisedFromTheRegion_WhenTheUnitStillDoesNotAnswerAfterTheFirstSupervision()
    {
        await StartAsync(Inputs(supervisorRequested: true));
        await AcceptAsync();
        await FinishInvestigationAsync();
        await _engine.CompleteAsync(_engine.OpenTask("invite"), "接受", [], "supervisor.lasa1");
        await _engine.CompleteAsync(_engine.OpenTask("opinion"), "提交意见", new JsonObject { ["opinion"] = "调查未调取执法记录仪视频" }, "supervisor.lasa1");
        await _engine.AdvanceAsync(Beijing(3, 10) - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));
        NoticeHtml.IssuerOf(Notice("督办通知书").Html).Should().Be("拉萨市司法局");

        await _engine.AdvanceAsync(Beijing(3, 14) - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));

        var reply = _engine.OpenTask("reply");
        (reply.AssigneeRole, reply.OrgUnitCode, reply.EscalationLevel).Should().Be(("承办人", "540102", 2));
        reply.DueAt.Should().Be(Beijing(3, 19), "three more working days, Monday 16 to Wednesday 18 March");
        var second = _engine.Store.Notices.Where(n => n.Title == "督办通知书").Should().HaveCount(2).And.Subject.Last();
        NoticeHtml.IssuerOf(second.Html).Should().Be("西藏自治区司法厅", "“again to the region if still overdue”");
        second.Html.Should().Contain("城关区司法局：").And.Contain("（第2次督办）").And.NotContain(Name);
        _engine.Store.Mails.Where(m => m.NoticeId == second.Id).Select(m => m.To).Should().BeEquivalentTo(["承办人@540000.test", "承办人@540102.test"]);
        _engine.Store.Journal.Should().Contain(j => j.CorrelationId == "TS-2026-000001" && j.ActivityId == "escalate_reply"
            && j.Summary == "答复特邀监督员意见：野蛮执法投诉（城关区城市管理综合行政执法局）（TS-2026-000001）：城关区司法局 → 西藏自治区司法厅");

        await _engine.AdvanceAsync(Beijing(3, 19) - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));

        _engine.Store.Notices.Count(n => n.Title == "督办通知书").Should().Be(2, "no third 督办: the region is the top");
        _engine.Store.Journal.Should().Contain(j => j.ActivityId == "escalate_reply" && j.Event == "escalation-stopped"
            && j.Summary == "答复特邀监督员意见：野蛮执法投诉（城关区城市管理综合行政执法局）（TS-2026-000001）：已督办至最高层级（西藏自治区司法厅）");
    }

    [Theory]
    [InlineData(true, "野蛮执法", true)]
    [InlineData(false, "野蛮执法", false)]
    public async Task InvitedSupervisor_IsInvitedForEveryEnterpriseComplaint_ByDefault(bool enterprise, string category, bool invited)
    {
        var inputs = Inputs();
        inputs["complaint"]!["enterprise"] = enterprise;
        inputs["complaint"]!["category"] = category;
        await StartAsync(inputs);
        await AcceptAsync();

        await FinishInvestigationAsync();

        _engine.OpenTasks().Select(t => t.ActivityId).Should().Equal(invited ? "invite" : "decide");
    }

    [Fact]
    public async Task InvitedSupervisor_IsInvited_WhenTheClerkAsksForOneOnAcceptance()
    {
        await StartAsync();
        await _engine.CompleteAsync(_engine.OpenTask("acceptance"), "受理", new JsonObject { ["inviteSupervisor"] = true }, "clerk.chengguan");

        await FinishInvestigationAsync();

        _engine.OpenTask("invite").AssigneeUser.Should().Be("supervisor.lasa1");
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task InvitedSupervisor_IsInvitedAfterAnOverdueInvestigation_WhenTheAdminSwitchedItOn(bool switchedOn, bool invited)
    {
        var inputs = Inputs();
        inputs["supervisionWhenOverdue"] = switchedOn;
        await StartAsync(inputs);
        await AcceptAsync();
        var due = _engine.OpenTask("investigate").DueAt!.Value;
        await _engine.AdvanceAsync(due - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));
        _engine.Store.Notices.Should().Contain(n => n.Title == "督办通知书");

        await FinishInvestigationAsync();

        _engine.OpenTasks().Select(t => t.ActivityId).Should().Equal(invited ? "invite" : "decide");
    }
}
