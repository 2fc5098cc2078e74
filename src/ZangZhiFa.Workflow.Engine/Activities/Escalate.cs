using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Escalates (督办) the open task(s) of a <see cref="HumanTask"/> one level up the org tree
/// (乡镇→县→地市→自治区): re-routes them to the parent unit (or, in <c>notify</c> mode, leaves them and
/// informs the parent), issues the 督办通知书 from the parent to the unit that let the limit pass, mails both, and gives the task a new
/// deadline so a still-overdue task escalates again. At the top of the tree it records that and stops.
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
            var unit = task.OrgUnitCode is { } code ? await orgs.FindAsync(code, context.CancellationToken) : null;
            var parent = unit?.ParentCode is { } parentCode ? await orgs.FindAsync(parentCode, context.CancellationToken) : null;
            if (parent is null || (properties.MaxLevel is { } max && task.EscalationLevel >= max))
            {
                context.Journal("escalation-stopped", null, $"{task.Title}：已督办至最高层级（{unit?.Name ?? task.OrgUnitCode}）");
                continue;
            }

            task.EscalationLevel++;
            if (properties.Mode == "reroute")
            {
                task.OrgUnitCode = parent.Code;
                task.AssigneeUser = null;
                task.Candidates = null; // the pool belonged to the old unit: the parent takes the task as a group task
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
                    ["fromUnit"] = unit!.Name,
                    ["toUnit"] = parent.Name,
                    ["toUnitCode"] = parent.Code,
                    ["mode"] = properties.Mode,
                    ["newDueAt"] = task.DueAt?.ToOffset(context.Services.Calendar.UtcOffset).ToString("yyyy年M月d日"),
                },
            };

            // The body one level up issues the notice; the unit that let the limit pass is its addressee and must
            // hear of it too — in notify mode it still holds the task.
            var notice = await context.IssueNoticeAsync(properties.Template, properties.Title, parent.Code, properties.DocumentPrefix, model);
            if (task.AssigneeRole is { } role)
            {
                foreach (var unitCode in new[] { parent.Code, unit.Code })
                {
                    foreach (var address in await orgs.GetEmailsAsync(role, unitCode, context.CancellationToken))
                    {
                        context.QueueMail(address, $"【{properties.Title}】{task.Title}", notice.Html, notice.Id);
                    }
                }
            }

            escalated.Add($"{task.Title}：{unit.Name} → {parent.Name}");
        }

        context.Summary = escalated.Count == 0 ? "无可督办任务" : string.Join("; ", escalated);
        return ActivityResult.Done(Outcomes.Done);
    }

    public sealed class Properties
    {
        /// <summary>Id of the HumanTask activity whose open tasks are escalated.</summary>
        public string Task { get; set; } = "";

        /// <summary><c>reroute</c>: the parent unit takes the task over; <c>notify</c>: it supervises the unit that has it.</summary>
        public string Mode { get; set; } = "reroute";

        public string Template { get; set; } = "";

        public string Title { get; set; } = "督办通知书";

        public string? DocumentPrefix { get; set; }

        /// <summary>New time limit after escalation; without it the task escalates only once.</summary>
        public DuePolicy? Rearm { get; set; }

        /// <summary>How many levels a task may be escalated at most.</summary>
        public int? MaxLevel { get; set; }
    }
}
