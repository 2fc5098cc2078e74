using ZangZhiFa.Workflow.Engine.Tests.Support;

namespace ZangZhiFa.Workflow.Engine.Tests.Activities;

/// <summary>
/// The 督办 ladder of <c>Escalate</c> in both modes, on a 司法所 task (乡镇, 540102001) so three rungs lie above it:
/// 城关区司法局, 拉萨市司法局, 西藏自治区司法厅. Every limit (and every re-armed one) is one calendar day; each time it passes is one more 督办.
/// </summary>
public sealed class EscalateTests
{
    private static string Flow(string mode, int? maxLevel) => $$"""
    {
      "id": "ladder", "name": "督办阶梯", "version": 1,
      "activities": [
        { "id": "start", "type": "Start", "properties": {} },
        { "id": "mediate", "type": "HumanTask", "properties": { "title": "人民调解", "assignee": { "role": "承办人", "orgUnit": "'540102001'" }, "outcomes": ["办结"], "deadline": { "days": 1 } } },
        { "id": "escalate", "type": "Escalate", "properties": { "task": "mediate", "mode": "{{mode}}", "template": "notices/supervision-notice", "title": "督办通知书", "documentPrefix": "藏司督", "rearm": { "days": 1 }{{(maxLevel is { } max ? $", \"maxLevel\": {max}" : "")}} } },
        { "id": "escalated", "type": "End", "properties": {} },
        { "id": "end", "type": "End", "properties": {} }
      ],
      "connections": [
        { "from": "start", "outcome": "done", "to": "mediate" },
        { "from": "mediate", "outcome": "办结", "to": "end" },
        { "from": "mediate", "outcome": "超期", "to": "escalate" },
        { "from": "escalate", "outcome": "done", "to": "escalated" }
      ]
    }
    """;

    /// <summary>Lets the task's limit pass <paramref name="times"/> times, firing each re-armed deadline as the scheduler would.</summary>
    private static async Task<EngineHarness> OverdueAsync(string mode, int? maxLevel, int times)
    {
        var engine = new EngineHarness(Flow(mode, maxLevel));
        await engine.StartAsync("ladder", correlationId: "TS-2026-000001");
        for (var i = 0; i < times; i++)
        {
            await engine.AdvanceAsync(engine.OpenTask("mediate").DueAt!.Value - engine.Time.GetUtcNow() + TimeSpan.FromMinutes(1));
        }

        return engine;
    }

    [Theory]
    [InlineData("notify")]
    [InlineData("reroute")]
    public async Task Execute_IssuesEachFurtherSupervisionOneLevelHigher_UntilTheRegion(string mode)
    {
        var engine = await OverdueAsync(mode, maxLevel: null, times: 4);

        var notices = engine.Store.Notices.Where(n => n.Title == "督办通知书").ToList();
        notices.Select(n => NoticeHtml.IssuerOf(n.Html)).Should().Equal(["城关区司法局", "拉萨市司法局", "西藏自治区司法厅"],
            "both modes climb the same ladder, one rung per 督办");
        notices.Select(n => n.Html).Should().SatisfyRespectively(
            first => first.Should().Contain("城关区八廓街道司法所：").And.NotContain("次督办）"),
            second => second.Should().Contain(mode == "notify" ? "城关区八廓街道司法所：" : "城关区司法局：").And.Contain("（第2次督办）"),
            third => third.Should().Contain(mode == "notify" ? "城关区八廓街道司法所：" : "拉萨市司法局：").And.Contain("（第3次督办）"));
        var task = engine.OpenTask("mediate");
        (task.OrgUnitCode, task.EscalationLevel).Should().Be((mode == "notify" ? "540102001" : "540000", 3));
        engine.Store.Journal.Where(j => j.Event == "escalation-stopped").Select(j => j.Summary)
            .Should().Equal(["人民调解：已督办至最高层级（西藏自治区司法厅）"], "the fourth time there is nothing above the region");
    }

    [Fact]
    public async Task Execute_MailsTheIssuingLevelAndTheUnitHoldingTheTask_WhenNotifyModeClimbs()
    {
        var engine = await OverdueAsync("notify", maxLevel: null, times: 2);

        var second = engine.Store.Notices.Last(n => n.Title == "督办通知书");
        engine.Store.Mails.Where(m => m.NoticeId == second.Id).Select(m => m.To)
            .Should().BeEquivalentTo(["承办人@540100.test", "承办人@540102001.test"], "the first issuer (城关区司法局) is no longer the escalating body");
        engine.Store.Journal.Should().Contain(j => j.ActivityId == "escalate" && j.Summary == "人民调解：城关区八廓街道司法所 → 拉萨市司法局");
    }

    [Theory]
    [InlineData("notify")]
    [InlineData("reroute")]
    public async Task Execute_StopsAndNamesTheHighestLevelReached_WhenMaxLevelIsBelowTheTop(string mode)
    {
        var engine = await OverdueAsync(mode, maxLevel: 2, times: 3);

        engine.Store.Notices.Count(n => n.Title == "督办通知书").Should().Be(2);
        engine.Store.Journal.Where(j => j.Event == "escalation-stopped").Select(j => j.Summary)
            .Should().Equal(["人民调解：已督办至最高层级（拉萨市司法局）"]);
    }
}
