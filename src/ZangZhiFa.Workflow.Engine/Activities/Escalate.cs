using System.Globalization;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Escalates (督办) the open task(s) of a <see cref="HumanTask"/> up the org tree (乡镇→县→地市→自治区), one level
/// further each time: 督办 number n comes from the unit n levels above the one that had the task before its first
/// 督办 (see <see cref="LadderAsync"/>). In <c>reroute</c> mode that unit takes the task over; in <c>notify</c> mode
/// the task stays where it is and that unit supervises. The issuing unit sends the 督办通知书 to the unit holding the
/// task, both are mailed, and the task gets a new deadline so a still-overdue task escalates again. At the top of the
/// tree, or at <c>maxLevel</c>, it records that and stops.
/// </summary>
public sealed class Escalate : Activity<Escalate.Properties>
{
    public override string Type => "Escalate";

    public override string DisplayName => "超期督办";

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        validator.Required("task", properties.Task);
        var target = validator.Context.Definition?.FindActivity(properties.Task);
        if (validator.Context.Definition is not null && !string.IsNullOrEmpty(properties.Task) && target?.Type != "HumanTask")
        {
            validator.Error("task", $"“{properties.Task}” 不是本流程的人工任务节点 (not a HumanTask of this flow)");
        }

        validator.Template("template", properties.Template);
        validator.Required("title", properties.Title);
        if (properties.Mode is not ("reroute" or "notify"))
        {
            validator.Error("mode", "只能是 reroute 或 notify (must be reroute or notify)");
        }

        if (properties.Rearm is { } rearm && rearm.Validate() is { } error)
        {
            validator.Error("rearm", error);
        }

        if (properties.MaxLevel is < 1)
        {
            validator.Error("maxLevel", "须为正整数 (positive integer)");
        }
    }

    protected override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        var orgs = context.Services.Orgs;
        var escalated = new List<string>();
        foreach (var task in (await context.OpenTasksAsync()).Where(t => t.ActivityId == properties.Task).ToList())
        {
            var level = task.EscalationLevel + 1;
            var ladder = task.OrgUnitCode is { } code
                ? await LadderAsync(orgs, code, properties.Mode, task.EscalationLevel, level, context.CancellationToken)
                : null;
            if (ladder is not { Issuer: { } issuer } || (properties.MaxLevel is { } max && task.EscalationLevel >= max))
            {
                context.Journal("escalation-stopped", null, $"{task.Title}：已督办至最高层级（{ladder?.Reached.Name ?? task.OrgUnitCode}）");
                continue;
            }

            var unit = ladder.Holder;
            task.EscalationLevel = level;
            if (properties.Mode == "reroute")
            {
                task.OrgUnitCode = issuer.Code;
                task.AssigneeUser = null;
                task.Candidates = null; // the pool belonged to the old unit: the issuer takes the task as a group task
            }

            if (properties.Rearm is { } rearm)
            {
                context.RearmDeadline(task, rearm.DueFrom(context.Now, context.Services.Calendar));
            }

            task.Revision++;
            context.Services.Store.Update(task);

            var model = new JsonObject
            {
                ["escalation"] = new JsonObject
                {
                    ["taskTitle"] = task.Title,
                    ["level"] = task.EscalationLevel,
                    ["fromUnit"] = unit.Name,
                    ["toUnit"] = issuer.Name,
                    ["toUnitCode"] = issuer.Code,
                    ["mode"] = properties.Mode,
                    // The last day allowed: a limit ends at the close of its day, stored as the next midnight.
                    ["newDueAt"] = task.DueAt is { } due ? DuePolicy.LastDay(due, context.Services.Calendar).ToString("yyyy年M月d日", CultureInfo.InvariantCulture) : null,
                },
            };

            // The escalating body issues the notice; the unit that let the limit pass is its addressee and must
            // hear of it too — in notify mode it still holds the task.
            var notice = await context.IssueNoticeAsync(properties.Template, properties.Title, issuer.Code, properties.DocumentPrefix, model);
            if (task.AssigneeRole is { } role)
            {
                foreach (var unitCode in new[] { issuer.Code, unit.Code })
                {
                    foreach (var address in await orgs.GetEmailsAsync(role, unitCode, context.CancellationToken))
                    {
                        context.QueueMail(address, $"【{properties.Title}】{task.Title}", notice.Html, notice.Id);
                    }
                }
            }

            escalated.Add($"{task.Title}：{unit.Name} → {issuer.Name}");
        }

        context.Summary = escalated.Count == 0 ? "无可督办任务" : string.Join("; ", escalated);
        return ActivityResult.Done(Outcomes.Done);
    }

    /// <summary>
    /// Where a task stands on its 督办 ladder, whose rung n is the unit n levels above the one that had the task before
    /// its first 督办 (rung 1 its parent, rung 2 the grandparent, … up to 西藏自治区司法厅). Re-routing carries the task
    /// up one rung per 督办, so it stands on rung <paramref name="escalationLevel"/>; notify leaves it on rung 0. Both
    /// modes therefore find rung n the same way: n minus the task's own rung levels above the unit holding it.
    /// </summary>
    /// <returns>
    /// <c>Holder</c>: the unit that has the task; <c>Issuer</c>: rung <paramref name="level"/>, null above the top of
    /// the tree; <c>Reached</c>: the highest rung the task has reached so far (the top when the tree ends below
    /// <paramref name="level"/>), which the journal names when 督办 stops. Null when the holding unit is unknown.
    /// </returns>
    private static async Task<Rungs?> LadderAsync(
        IOrgDirectory orgs, string holderCode, string mode, int escalationLevel, int level, CancellationToken cancellationToken)
    {
        var holderRung = mode == "reroute" ? escalationLevel : 0;
        var above = level - holderRung;
        var line = await orgs.LineUpwardAsync(holderCode, above, cancellationToken);
        if (line.Count == 0)
        {
            return null;
        }

        var issuer = line.Count > above ? line[above] : null;
        var reached = line[Math.Min(above - 1, line.Count - 1)];
        return new Rungs(line[0], issuer, reached);
    }

    private sealed record Rungs(OrgUnitInfo Holder, OrgUnitInfo? Issuer, OrgUnitInfo Reached);

    public sealed class Properties
    {
        /// <summary>Id of the HumanTask activity whose open tasks are escalated.</summary>
        public string Task { get; set; } = "";

        /// <summary><c>reroute</c>: the escalating unit takes the task over; <c>notify</c>: it supervises the unit that has it.</summary>
        public string Mode { get; set; } = "reroute";

        public string Template { get; set; } = "";

        public string Title { get; set; } = "督办通知书";

        public string? DocumentPrefix { get; set; }

        /// <summary>New time limit after escalation; without it the task escalates only once.</summary>
        public DuePolicy? Rearm { get; set; }

        /// <summary>How many times, each one level higher, a task may be escalated at most.</summary>
        public int? MaxLevel { get; set; }
    }
}
