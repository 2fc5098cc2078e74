namespace ZangZhiFa.Workflow.Web.Features.Cases;

/// <summary>
/// What a journal line (执法全过程记录) says in Chinese. The journal stores the engine's codes — an event
/// (<c>waiting</c>, <c>resumed</c>, …) and the activity type that wrote it — because the hash chain must not depend on
/// wording; this is the one place that turns them into words for the case page and the case file API.
/// </summary>
public static class JournalText
{
    /// <summary>Lines whose meaning does not depend on the activity type.</summary>
    private static readonly Dictionary<string, string> ByEvent = new(StringComparer.Ordinal)
    {
        ["started"] = "流程启动",
        ["completed"] = "流程办结",
        ["cancelled"] = "流程撤销",
        ["faulted"] = "流程出错",
        ["task-cancelled"] = "任务撤销",
        ["task-delegated"] = "任务转交",
        ["task-reassigned"] = "任务改派",
        ["task-released"] = "任务退回",
        ["notice-issued"] = "发出文书",
        ["escalation-stopped"] = "督办终止",
    };

    /// <summary>Per activity type: (waiting — the step now waits, done — it ran or was resumed).</summary>
    private static readonly Dictionary<string, (string Waiting, string Done)> ByType = new(StringComparer.Ordinal)
    {
        ["Start"] = ("开始", "开始"),
        ["End"] = ("结束", "结束"),
        ["HumanTask"] = ("任务指派", "任务完成"),
        ["Timer"] = ("计时开始", "计时器触发"),
        ["Escalate"] = ("督办计时", "督办"),
        ["SendNotice"] = ("制发文书", "制发文书"),
        ["StartSubflow"] = ("子流程启动", "子流程办结"),
        ["Signal"] = ("等待外部事项", "收到外部事项"),
        ["Decision"] = ("条件判断", "条件判断"),
        ["Fork"] = ("并行分支", "并行分支"),
        ["Join"] = ("等待汇聚", "汇聚"),
        ["SetVariables"] = ("记录案件信息", "记录案件信息"),
        ["RuleCheck"] = ("规则目录检查", "规则目录检查"),
        ["Invoke"] = ("调用业务服务", "调用业务服务"),
        ["ExtendDeadline"] = ("延长期限", "延长期限"),
        ["WorkflowDefinition"] = ("流程定义变更", "流程定义变更"),
    };

    /// <summary>
    /// The Chinese name of a line: by event first, then by activity type and whether it waits. A code this table does
    /// not know is shown as it is rather than hidden — a record must never lose a line because a word is missing.
    /// </summary>
    public static string Describe(string @event, string? activityType)
    {
        if (ByEvent.TryGetValue(@event, out var text))
        {
            return text;
        }

        if (activityType is not null && ByType.TryGetValue(activityType, out var pair))
        {
            return @event == "waiting" ? pair.Waiting : pair.Done;
        }

        return @event switch
        {
            "waiting" => "等待",
            "resumed" => "继续办理",
            "executed" => "执行",
            _ => @event,
        };
    }

    /// <summary>
    /// The engine's own outcome codes in Chinese. People's outcomes are written in Chinese in the flows (受理, 调查完毕)
    /// and pass through; <c>done</c>, the only way on from an automatic step, says nothing and is left out (empty).
    /// </summary>
    private static readonly Dictionary<string, string> Outcomes = new(StringComparer.Ordinal)
    {
        ["done"] = "",
        ["matched"] = "属目录事项",
        ["none"] = "无",
        ["correct"] = "整改",
        ["reconsider"] = "复核",
        ["object"] = "异议",
        ["appointed"] = "已聘任",
        ["ineligible"] = "不符合条件",
        ["selected"] = "已抽选",
        ["answer"] = "答复",
        ["wait"] = "等待",
        ["investigate"] = "调查核实",
        ["legal"] = "法制审核",
        ["timeout"] = "超时",
    };

    /// <summary>An outcome (or a fork's comma-separated outcomes) as people read it; empty for a plain <c>done</c>.</summary>
    public static string Outcome(string? outcome) =>
        outcome is null ? "" : string.Join("、", outcome.Split(',').Select(o => Outcomes.GetValueOrDefault(o.Trim(), o.Trim())).Where(o => o.Length > 0));

    /// <summary>Automatic steps whose summary is the flow's machinery (a condition, variable names, a signal or flow id).</summary>
    private static readonly HashSet<string> MachineSummaries = new(StringComparer.Ordinal) { "Decision", "SetVariables", "StartSubflow", "Signal" };

    /// <summary>
    /// The part of a line's summary a reader of the case page needs. The journal keeps the engine's own words (a
    /// decision's condition, the variables a step set) for the record and the API; the page says which step it was
    /// and its outcome, which is what they mean. An extension's summary loses the clock variable's name.
    /// </summary>
    public static string? ShownSummary(string? activityType, string? summary) => activityType switch
    {
        _ when summary is null => null,
        { } type when MachineSummaries.Contains(type) => null,
        "ExtendDeadline" when summary.IndexOf('：', StringComparison.Ordinal) is > 0 and var colon => summary[(colon + 1)..],
        _ => summary,
    };
}
