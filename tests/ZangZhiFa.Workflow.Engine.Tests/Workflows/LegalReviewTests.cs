using System.Text.Json;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Workflows;

/// <summary>
/// Every path of <c>workflows/legal-review.json</c> (重大执法决定法制审核, 法制审核协作) on the in-memory store, with
/// the shipped notice templates and the real working-day calendar. The demo tree: 城关区司法局 (540102) leads the
/// pool; 城关区市场监督管理局 (540102-scjg) has a reviewer of its own, 城关区城管执法局 (540102-cgzf) has none.
/// </summary>
public sealed class LegalReviewTests
{
    private const string Flow = "legal-review";
    private const string CaseNumber = "FS-2026-000001";
    private const string SubmitterEmail = "zhaxi@cgzf.example.test";

    private static readonly string[] Checklist = ["subject", "authority", "procedure", "facts", "evidence", "lawApplied", "discretion", "documents"];

    private readonly EngineHarness _engine = new(File.ReadAllText(Path.Combine(RepoPaths.Workflows, "legal-review.json")));

    private static JsonObject Inputs(string unit = "540102-cgzf", string partyType = "单位", decimal fine = 200000, JsonArray? lacking = null) => new()
    {
        ["proposal"] = new JsonObject
        {
            ["caseName"] = "拉萨某建材公司未经许可占道堆放案",
            ["caseNumber"] = "城管罚〔2026〕15号",
            ["partyName"] = "拉萨某建材有限公司",
            ["partyType"] = partyType,
            ["facts"] = "当事人在金珠西路长期占道堆放建材，经责令改正拒不改正",
            ["evidence"] = "现场检查笔录、照片、询问笔录",
            ["proposedDecision"] = $"罚款{fine}元",
            ["fineAmount"] = fine,
            ["basis"] = "《城市市容和环境卫生管理条例》第三十六条",
        },
        ["submittingUnitCode"] = unit,
        ["submittingUnitName"] = unit == "540102-scjg" ? "城关区市场监督管理局" : "城关区城市管理综合行政执法局",
        ["submitterEmail"] = SubmitterEmail,
        ["poolUnitCode"] = "540102",
        ["unitsWithoutReviewers"] = lacking ?? [],
    };

    private async Task<Guid> StartAsync(JsonObject? inputs = null) => (await _engine.StartAsync(Flow, inputs ?? Inputs(), CaseNumber)).Id;

    private static JsonObject Checked(string verdict = "符合", string transfer = "否", string? opinion = null)
    {
        var fields = new JsonObject { ["transfer"] = transfer, ["opinion"] = opinion };
        foreach (var item in Checklist)
        {
            fields[item] = verdict;
        }

        return fields;
    }

    private Task ReviewAsync(string outcome, JsonObject? fields = null) =>
        _engine.CompleteAsync(_engine.OpenTask("review"), outcome, fields ?? Checked(), "fzsh.chengguan");

    private JsonObject Variables(Guid id) => JsonNode.Parse(_engine.Instance(id).VariablesJson)!.AsObject();

    private string Stage(Guid id) => Variables(id)["stage"]!.GetValue<string>();

    private List<string> Timeline(Guid id) => [.. Variables(id)["timeline"]!.AsArray().Select(e => e!["text"]!.GetValue<string>())];

    private string JournalOf(string activityId) =>
        string.Join("\n", _engine.Store.Journal.Where(j => j.ActivityId == activityId).Select(j => j.Summary));

    private bool HasOpen(string activityId) => _engine.OpenTasks().Any(t => t.ActivityId == activityId);

    [Theory]
    [InlineData("个人", 10000, true)]
    [InlineData("个人", 9999, false)]
    [InlineData("单位", 99999, false)]
    [InlineData("单位", 100000, true)]
    public async Task Catalogue_DecidesWhetherReviewIsMandatory_ByTheFineForThePartyType(string partyType, int fine, bool mandatory)
    {
        var id = await StartAsync(Inputs(partyType: partyType, fine: fine));

        HasOpen("review").Should().Be(mandatory);
        HasOpen("finalize").Should().Be(!mandatory, "a decision outside the catalogue goes straight to the head");
        Stage(id).Should().Be(mandatory ? "待审核" : "无需法制审核");
        if (mandatory)
        {
            Variables(id)["catalogue"]!["labels"]!.GetValue<string>().Should().Be(partyType == "个人" ? "对个人处以1万元以上罚款" : "对单位处以10万元以上罚款");
        }
    }

    [Fact]
    public async Task Catalogue_NamesEveryRuleThatApplies_WhenSeveralDo()
    {
        var inputs = Inputs(fine: 50000);
        inputs["proposal"]!["hearingHeld"] = true;
        inputs["proposal"]!["revokesLicence"] = true;

        var id = await StartAsync(inputs);

        Variables(id)["catalogue"]!["labels"]!.GetValue<string>().Should().Be("降低资质等级、吊销许可证件、经过听证程序");
        JournalOf("catalogue").Should().Contain("命中：降低资质等级、吊销许可证件、经过听证程序");
    }

    [Fact]
    public async Task Review_GoesToTheUnitsOwnReviewers_WhenItHasThem()
    {
        await StartAsync(Inputs(unit: "540102-scjg"));

        var review = _engine.OpenTask("review");
        (review.AssigneeRole, review.OrgUnitCode, review.Candidates).Should().Be(("法制审核员", "540102-scjg", ",fzsh.scjg,"));
        JournalOf("review").Should().Contain("本单位审核：fzsh.scjg");
    }

    [Fact]
    public async Task Review_GoesToTheCountyPool_WhenTheUnitHasNoReviewers()
    {
        await StartAsync();

        var review = _engine.OpenTask("review");
        (review.OrgUnitCode, review.Candidates).Should().Be(("540102", ",fzsh.chengguan,fzsh.scjg,"), "the pool draws on the 司法局 and the units under it");
        review.AssigneeUser.Should().BeNull("first come first served: whoever claims it first");
        JournalOf("review").Should().Contain("协作审核池：fzsh.chengguan、fzsh.scjg");
    }

    [Fact]
    public async Task Review_LeavesOutTheSubmittingUnitsPeople_WhenAUnitListedAsLackingCapacityUsesThePool()
    {
        await StartAsync(Inputs(unit: "540102-scjg", lacking: ["540102-scjg"]));

        var review = _engine.OpenTask("review");
        (review.OrgUnitCode, review.Candidates).Should().Be(("540102", ",fzsh.chengguan,"));
        JournalOf("review").Should().Contain("回避：fzsh.scjg");
    }

    [Fact]
    public async Task Review_StaysWithThePoolUnitToAssign_WhenNobodyIsLeftInThePool()
    {
        _engine.Orgs.Members.Clear();

        await StartAsync();

        var review = _engine.OpenTask("review");
        (review.AssigneeRole, review.OrgUnitCode, review.Candidates).Should().Be(("法制审核员", "540102", ","), "only a qualified reviewer the 司法局 assigns may take it");
        JournalOf("review").Should().Contain("协作审核池无具备法律职业资格的审核人员，由 540102 统筹指派");
    }

    [Fact]
    public async Task Review_LeavesOutReviewersWithoutTheLegalQualification_WhenDrawingThePool()
    {
        _engine.Orgs.Members.Add(("fzsh.xinren", "540102", "法制审核员"));
        _engine.Orgs.Unqualified.Add("fzsh.xinren");

        await StartAsync();

        var review = _engine.OpenTask("review");
        (review.OrgUnitCode, review.Candidates).Should().Be(("540102", ",fzsh.chengguan,fzsh.scjg,"), "《行政处罚法》第58条: reviewers hold 法律职业资格");
        JournalOf("review").Should().Contain("无法律职业资格：fzsh.xinren");
    }

    [Fact]
    public async Task Review_GoesToThePool_WhenTheUnitsOwnReviewersLackTheLegalQualification()
    {
        _engine.Orgs.Unqualified.Add("fzsh.scjg");

        await StartAsync(Inputs(unit: "540102-scjg"));

        var review = _engine.OpenTask("review");
        (review.OrgUnitCode, review.Candidates).Should().Be(("540102", ",fzsh.chengguan,"), "an own reviewer without the qualification counts as none");
        JournalOf("review").Should().Contain("协作审核池：fzsh.chengguan（回避：fzsh.scjg）");
    }

    [Fact]
    public async Task Review_OffersTheTaskToNobody_WhenNoReviewerInThePoolIsQualified()
    {
        _engine.Orgs.Unqualified.UnionWith(["fzsh.chengguan", "fzsh.scjg"]);

        await StartAsync();

        var review = _engine.OpenTask("review");
        (review.OrgUnitCode, review.AssigneeUser, review.Candidates).Should().Be(("540102", (string?)null, ","),
            "a group task could be claimed by any 法制审核员 of the 司法局 or above; the 司法局 assigns a qualified one");
        JournalOf("review").Should().Contain("协作审核池无具备法律职业资格的审核人员，由 540102 统筹指派（无法律职业资格：fzsh.chengguan、fzsh.scjg）");
    }

    [Fact]
    public async Task Approval_IssuesTheOpinionAndOpensTheDecision_WhenEveryItemPasses()
    {
        var id = await StartAsync();

        await ReviewAsync("同意", Checked(opinion: "事实清楚，证据确凿，程序合法，罚款数额在裁量基准之内"));

        var opinion = _engine.Store.Notices.Single(n => n.Title == "重大执法决定法制审核意见书");
        opinion.DocumentNumber.Should().Be("藏司审〔2026〕1号");
        opinion.Html.Should().Contain("<div class=\"issuer-mark\">城关区司法局</div>", "the pool's 司法局 reviewed it")
            .And.Contain("城关区城市管理综合行政执法局：").And.Contain("（属于对单位处以10万元以上罚款情形）")
            .And.Contain("审核意见为：<strong>同意</strong>").And.Contain("你单位可以依法作出决定")
            .And.Contain("<tr><th>执法程序</th><td>符合</td></tr>").And.Contain("审核人员：fzsh.chengguan");
        _engine.Store.Mails.Should().Contain(m => m.NoticeId == opinion.Id && m.To == SubmitterEmail);

        await _engine.CompleteAsync(_engine.OpenTask("finalize"), "已作出决定", new JsonObject { ["decisionNumber"] = "城管罚〔2026〕15号", ["decidedOn"] = "2026-03-05" }, "zhaxi");

        Stage(id).Should().Be("已作出决定");
        Timeline(id).Should().EndWith("作出执法决定：城管罚〔2026〕15号");
        _engine.Instance(id).Status.Should().Be(WorkflowStatus.Completed);
    }

    [Fact]
    public async Task Approval_GoesBackToTheReviewer_WhenAnItemFailsOrTheCaseMustGoToTheCourts()
    {
        var id = await StartAsync();

        await ReviewAsync("同意", Checked(transfer: "是"));

        HasOpen("review").Should().BeTrue();
        HasOpen("finalize").Should().BeFalse("同意 contradicting the checklist is not a passed review");
        _engine.Store.Notices.Should().BeEmpty();
        Timeline(id).Should().Contain(t => t.Contains("退回重新审核", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disagreement_GoesToCollectiveDiscussion_AndNeverToTheDecisionWithoutANewReview()
    {
        var id = await StartAsync();

        await ReviewAsync("不同意", Checked("不符合", opinion: "罚款数额超出裁量基准，且未告知听证权利"));

        HasOpen("finalize").Should().BeFalse();
        _engine.Store.Notices.Single().Html.Should().Contain("审核意见为：<strong>不同意</strong>").And.Contain("请你单位负责人集体讨论决定");
        var discuss = _engine.OpenTask("discuss");
        (discuss.AssigneeRole, discuss.OrgUnitCode).Should().Be(("机关负责人", "540102-cgzf"));

        await _engine.CompleteAsync(discuss, "修改后重新送审", new JsonObject { ["attendees"] = "局长、分管副局长、法规科科长", ["resolution"] = "采纳审核意见，告知听证权利后重新送审" }, "leader.cgzf");
        HasOpen("finalize").Should().BeFalse();
        Timeline(id).Should().Contain("集体讨论：采纳审核意见，告知听证权利后重新送审（参加人员：局长、分管副局长、法规科科长）");

        _engine.Time.Advance(TimeSpan.FromDays(2));
        await _engine.CompleteAsync(_engine.OpenTask("revise"), "重新送审", new JsonObject { ["changes"] = "已告知听证权利，罚款调整为15万元" }, "zhaxi");

        var second = _engine.OpenTask("review");
        second.DueAt.Should().Be(new DateTimeOffset(2026, 3, 14, 0, 0, 0, TimeSpan.FromHours(8)), "a resubmission is a new review with a fresh 7 working days from Wednesday 4 March");
        Variables(id)["round"]!.GetValue<int>().Should().Be(2);
        HasOpen("finalize").Should().BeFalse();
    }

    [Fact]
    public async Task Disagreement_EndsWithoutADecision_WhenTheLeadersDropIt()
    {
        var id = await StartAsync();
        await ReviewAsync("不同意", Checked("不符合", opinion: "违法事实不清"));

        await _engine.CompleteAsync(_engine.OpenTask("discuss"), "不作出决定", new JsonObject { ["attendees"] = "局长、副局长", ["resolution"] = "证据不足，不予处罚" }, "leader.cgzf");

        Stage(id).Should().Be("不作出决定");
        _engine.Instance(id).Status.Should().Be(WorkflowStatus.Completed);
        _engine.Store.Tasks.Should().NotContain(t => t.ActivityId == "finalize");
    }

    [Fact]
    public async Task RevisionAdvice_AsksTheUnitToCorrectAndResubmit()
    {
        var id = await StartAsync();

        await ReviewAsync("建议修改后提交", Checked(opinion: "决定书未载明救济途径"));

        _engine.Store.Notices.Single().Html.Should().Contain("请你单位按照上述意见修改后重新报送法制审核");
        await _engine.CompleteAsync(_engine.OpenTask("revise"), "撤回", new JsonObject { ["reason"] = "当事人已主动改正" }, "zhaxi");
        Stage(id).Should().Be("不作出决定");
    }

    [Fact]
    public async Task Supplement_StopsTheReviewClock_AndTheReviewResumesWithTheTimeLeft()
    {
        var id = await StartAsync();
        var firstDue = _engine.OpenTask("review").DueAt!.Value;
        firstDue.Should().Be(new DateTimeOffset(2026, 3, 12, 0, 0, 0, TimeSpan.FromHours(8)), "7 working days after Monday 2 March end on Wednesday 11 March");

        _engine.Time.Advance(TimeSpan.FromDays(1));
        await ReviewAsync("退回补充材料", new JsonObject { ["missing"] = "听证笔录" });
        Stage(id).Should().Be("补充材料");
        var supplement = _engine.OpenTask("supplement");
        (supplement.AssigneeRole, supplement.OrgUnitCode).Should().Be(("承办人", "540102-cgzf"));

        _engine.Time.Advance(TimeSpan.FromDays(2));
        await _engine.CompleteAsync(supplement, "已补充", new JsonObject { ["material"] = "听证笔录一份" }, "zhaxi");

        _engine.OpenTask("review").DueAt.Should().Be(Beijing(2026, 3, 14), "sent back on Tuesday (a day used), back on Thursday (not counted): the 6 working days left run Friday 6 to Friday 13 March");
        Stage(id).Should().Be("待审核");
    }

    private static DateTimeOffset Beijing(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Submitted Monday 30 November 2026, 09:00: the 7 working days end with Wednesday 9 December; sent back Friday 4 December, 10:00.</summary>
    private async Task SentBackOnFridayAsync()
    {
        _engine.Time.SetUtcNow(Beijing(2026, 11, 30, 9));
        await StartAsync();
        _engine.OpenTask("review").DueAt.Should().Be(Beijing(2026, 12, 10));
        _engine.Time.SetUtcNow(Beijing(2026, 12, 4, 10));
        await ReviewAsync("退回补充材料", new JsonObject { ["missing"] = "听证笔录" });
    }

    [Fact]
    public async Task Supplement_ResumesWithTheWorkingDaysLeft_WhenTheMaterialComesAfterAWeekend()
    {
        await SentBackOnFridayAsync();

        _engine.Time.Advance(TimeSpan.FromDays(3));
        await _engine.CompleteAsync(_engine.OpenTask("supplement"), "已补充", new JsonObject { ["material"] = "听证笔录一份" }, "zhaxi");

        _engine.OpenTask("review").DueAt.Should().Be(Beijing(2026, 12, 11),
            "Friday was used; Monday 7, Tuesday 8 and Wednesday 9 were left, counted on from Monday: the end of Thursday 10 December, not of a Saturday");
        JournalOf("review").Should().Contain("期限顺延至 2026-12-10");
    }

    [Fact]
    public async Task Extension_CountsFromTheEndOfTheLastDay_WhenTheClockWasStoppedForAnHour()
    {
        await SentBackOnFridayAsync();
        _engine.Time.Advance(TimeSpan.FromHours(1));
        await _engine.CompleteAsync(_engine.OpenTask("supplement"), "已补充", new JsonObject { ["material"] = "听证笔录一份" }, "zhaxi");
        _engine.OpenTask("review").DueAt.Should().Be(Beijing(2026, 12, 10), "a stop and resume on the same day leave the deadline at the end of its last day");

        await ReviewAsync("申请延期", new JsonObject { ["extensionReason"] = "需要征求上级主管部门意见" });
        await _engine.CompleteAsync(_engine.OpenTask("approve_extension"), "批准", new JsonObject { ["opinion"] = "同意延期" }, "lead.chengguan");

        _engine.OpenTask("review").DueAt.Should().Be(Beijing(2026, 12, 15), "three working days after Wednesday 9 December end with Monday 14 December");
    }

    [Fact]
    public async Task Supplement_ReturnsTheFile_WhenNotMadeWithinThreeWorkingDays()
    {
        var id = await StartAsync();
        await ReviewAsync("退回补充材料", new JsonObject { ["missing"] = "听证笔录" });

        await _engine.AdvanceAsync(TimeSpan.FromDays(5)); // Monday 2 → end of Thursday 5 March, plus a day

        Stage(id).Should().Be("已退回");
        _engine.Instance(id).Status.Should().Be(WorkflowStatus.Completed);
        _engine.OpenTasks(id).Should().BeEmpty();
        _engine.Store.Tasks.Should().NotContain(t => t.ActivityId == "finalize");
    }

    [Fact]
    public async Task Extension_AddsThreeWorkingDaysOnce_WhenTheLeadApproves()
    {
        var id = await StartAsync();
        var review = _engine.OpenTask("review");
        JsonSerializer.Deserialize<List<string>>(review.OutcomesJson).Should().Contain("申请延期");

        await ReviewAsync("申请延期", new JsonObject { ["extensionReason"] = "需要征求上级主管部门意见" });
        var approval = _engine.OpenTask("approve_extension");
        (approval.AssigneeRole, approval.OrgUnitCode).Should().Be(("监督科长", "540102"), "the head of the body that reviews approves");
        await _engine.CompleteAsync(approval, "批准", new JsonObject { ["opinion"] = "同意延期" }, "lead.chengguan");

        var reopened = _engine.OpenTask("review");
        reopened.DueAt.Should().Be(new DateTimeOffset(2026, 3, 17, 0, 0, 0, TimeSpan.FromHours(8)), "11 March plus three working days is Monday 16 March");
        JsonSerializer.Deserialize<List<string>>(reopened.OutcomesJson).Should().NotContain("申请延期", "one extension only");
        Timeline(id).Should().Contain("审核期限经批准延长3个工作日，至2026-03-16");
    }

    [Fact]
    public async Task OverdueReview_IsSupervisedFromTheLevelAbove_WhileThePoolKeepsIt()
    {
        await StartAsync();
        var due = _engine.OpenTask("review").DueAt!.Value;

        await _engine.AdvanceAsync(due - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));

        var review = _engine.OpenTask("review");
        (review.OrgUnitCode, review.EscalationLevel).Should().Be(("540102", 1));
        var supervision = _engine.Store.Notices.Single(n => n.Title == "督办通知书");
        supervision.Html.Should().Contain("<div class=\"issuer-mark\">拉萨市司法局</div>").And.Contain("城关区司法局：");
    }

    [Fact]
    public async Task OverdueCollectiveDiscussion_IsRecordedWithoutEscalation_WhenTheLeadersLetTenWorkingDaysPass()
    {
        _engine.Time.Advance(TimeSpan.FromDays(28)); // Monday 30 March: the ten working days run over 清明节 (4–6 April)
        var id = await StartAsync();
        await ReviewAsync("不同意", Checked("不符合", opinion: "罚款数额超出裁量基准，且未告知听证权利"));
        var due = _engine.OpenTask("discuss").DueAt!.Value;
        due.Should().Be(new DateTimeOffset(2026, 4, 15, 0, 0, 0, TimeSpan.FromHours(8)), "ten working days from Monday 30 March end on Tuesday 14 April, Monday 6 April being 清明节");

        await _engine.AdvanceAsync(due - _engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));

        // The flow's overdue path for 集体讨论 only records the lapse (discuss_overdue): no 督办通知书, no re-routing.
        var discuss = _engine.OpenTask("discuss");
        (discuss.AssigneeRole, discuss.OrgUnitCode, discuss.EscalationLevel).Should().Be(("机关负责人", "540102-cgzf", 0));
        Timeline(id)[^1].Should().Be("集体讨论超过期限");
        _engine.Store.Journal.Should().Contain(j => j.InstanceId == id && j.ActivityId == "discuss_overdue" && j.At > due);
        _engine.Store.Notices.Should().NotContain(n => n.Title == "督办通知书");

        await _engine.CompleteAsync(discuss, "修改后重新送审", new JsonObject { ["attendees"] = "局长、分管副局长", ["resolution"] = "采纳审核意见，重新送审" }, "leader.cgzf");
        HasOpen("revise").Should().BeTrue("the leaders can still decide after the limit");
    }

    [Fact]
    public async Task Review_RequiresEveryChecklistItem_WhenGivingAnOpinion()
    {
        await StartAsync();

        var act = () => ReviewAsync("同意", new JsonObject { ["subject"] = "符合" });

        (await act.Should().ThrowAsync<TaskInputException>()).Which.Errors.Keys.Should()
            .BeEquivalentTo(["fields.authority", "fields.procedure", "fields.facts", "fields.evidence", "fields.lawApplied", "fields.discretion", "fields.documents", "fields.transfer"]);
        HasOpen("review").Should().BeTrue();
    }
}
