using ZangZhiFa.Workflow.Web.Features.Cases;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Cases;

/// <summary>The journal's engine codes as the case page names them.</summary>
public sealed class JournalTextTests
{
    [Theory]
    [InlineData("waiting", "HumanTask", "任务指派")]
    [InlineData("resumed", "HumanTask", "任务完成")]
    [InlineData("resumed", "Timer", "计时器触发")]
    [InlineData("resumed", "Escalate", "督办")]
    [InlineData("notice-issued", "SendNotice", "发出文书")]
    [InlineData("waiting", "StartSubflow", "子流程启动")]
    [InlineData("resumed", "StartSubflow", "子流程办结")]
    [InlineData("task-delegated", null, "任务转交")]
    [InlineData("task-reassigned", null, "任务改派")]
    [InlineData("escalation-stopped", "Escalate", "督办终止")]
    [InlineData("started", null, "流程启动")]
    public void Describe_NamesTheLineInChinese_WhenTheCodeIsKnown(string @event, string? activityType, string expected) =>
        JournalText.Describe(@event, activityType).Should().Be(expected);

    [Fact]
    public void Describe_KeepsTheCode_WhenItIsUnknown() =>
        JournalText.Describe("something-new", "NewActivity").Should().Be("something-new", "a record never loses a line for want of a word");

    [Theory]
    [InlineData("done", "")]
    [InlineData("受理", "受理")]
    [InlineData("correct,reconsider", "整改、复核")]
    [InlineData(null, "")]
    public void Outcome_ShowsPeoplesOutcomesAsWritten_AndEngineCodesInChinese(string? outcome, string expected) =>
        JournalText.Outcome(outcome).Should().Be(expected);

    [Theory]
    [InlineData("Decision", "caseFile.origin == 'lead'", null)]
    [InlineData("SetVariables", "stage, timeline", null)]
    [InlineData("Signal", "statement", null)]
    [InlineData("ExtendDeadline", "reviewClock：2026-12-10 → 2026-12-15（第 1 次延期）", "2026-12-10 → 2026-12-15（第 1 次延期）")]
    [InlineData("HumanTask", "受理 理由：符合受理条件", "受理 理由：符合受理条件")]
    [InlineData("SendNotice", "受理告知书 藏司受〔2026〕1号", "受理告知书 藏司受〔2026〕1号")]
    public void ShownSummary_LeavesOutTheFlowsMachinery_AndKeepsWhatPeopleDid(string activityType, string summary, string? expected) =>
        JournalText.ShownSummary(activityType, summary).Should().Be(expected);
}
