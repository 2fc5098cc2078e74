using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// A task for people (人工任务): opens an inbox task for a role in an org unit (or one user), waits until
/// someone completes it with one of its outcomes, and stores the result in the variable named after the
/// activity (<c>{ outcome, comment, by, at, fields }</c>). With a deadline it also sets reminder timers and a
/// deadline timer; when the deadline passes the task stays open and the overdue outcome starts a side path
/// (typically <see cref="Escalate"/>), or, with <c>withdrawWhenOverdue</c>, the task is withdrawn and the overdue
/// outcome is the path's only way on. With a <c>clock</c> the limit lives in a variable shared by several tasks
/// (see <see cref="TaskClock"/>): the task opens with the time left, and stop outcomes stop the clock until a
/// task on it opens again. <c>offerWhen</c> hides outcomes whose condition is false when the task opens.
/// </summary>
public sealed class HumanTask : Activity<HumanTask.Properties>
{
    public const string DefaultOverdueOutcome = "超期";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override string Type => "HumanTask";

    public override string DisplayName => "人工任务";

    public override bool CanWait(ActivityDefinition definition) => true;

    protected override IReadOnlyList<string> GetOutcomes(Properties properties) =>
        properties.Deadline is null ? properties.Outcomes : [.. properties.Outcomes, properties.OverdueOutcome];

    /// <summary>Fields required for the outcome and the condition offering it follow a rename (the JSON is edited in place, the rest kept as written).</summary>
    public override void RenameOutcome(ActivityDefinition definition, string from, string to)
    {
        if (definition.Properties["form"] is JsonArray form)
        {
            foreach (var field in form.OfType<JsonObject>())
            {
                if (field["requiredFor"] is JsonArray requiredFor)
                {
                    for (var i = 0; i < requiredFor.Count; i++)
                    {
                        if (requiredFor[i] is JsonValue value && value.TryGetValue<string>(out var outcome) && outcome == from)
                        {
                            requiredFor[i] = to;
                        }
                    }
                }
            }
        }

        if (definition.Properties["offerWhen"] is JsonObject offerWhen && offerWhen.ContainsKey(from) && !offerWhen.ContainsKey(to))
        {
            // Rebuilt rather than removed and added, so the entry keeps its place in the file.
            var entries = offerWhen.Select(e => (Key: e.Key == from ? to : e.Key, Value: e.Value?.DeepClone())).ToList();
            offerWhen.Clear();
            foreach (var (key, value) in entries)
            {
                offerWhen[key] = value;
            }
        }
    }

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        validator.Required("title", properties.Title);
        validator.Text("title", properties.Title);
        validator.Text("description", properties.Description);
        if (properties.Outcomes.Count == 0)
        {
            validator.Error("outcomes", "至少需要一个办理结果 (at least one outcome)");
        }

        if (properties.Outcomes.Distinct(StringComparer.Ordinal).Count() != properties.Outcomes.Count)
        {
            validator.Error("outcomes", "办理结果重复 (duplicate outcome)");
        }

        if (properties.Assignee.Role is null && properties.Assignee.User is null)
        {
            validator.Error("assignee", "须指定角色或用户 (role or user required)");
        }

        if (properties.Assignee.OrgUnit is not null)
        {
            validator.Expression("assignee.orgUnit", properties.Assignee.OrgUnit);
        }

        if (properties.Assignee.User is not null)
        {
            validator.Expression("assignee.user", properties.Assignee.User);
        }

        if (properties.Assignee.Pool is not null)
        {
            validator.Expression("assignee.pool", properties.Assignee.Pool);
            if (properties.Assignee.Role is null || properties.Assignee.User is not null || properties.Assignee.LevelsUp is not null)
            {
                validator.Error("assignee.pool", "协作审核池须配合角色使用，不能同时指定用户或 levelsUp (pool needs a role, and no user or levelsUp)");
            }
        }

        if (properties.Assignee.Recuse is not null)
        {
            validator.Expression("assignee.recuse", properties.Assignee.Recuse);
            if (properties.Assignee.Pool is null)
            {
                validator.Error("assignee.recuse", "回避须配合协作审核池 pool 使用 (recuse applies to a pool assignment)");
            }
        }

        if (properties.Assignee.Qualified && properties.Assignee.Pool is null)
        {
            validator.Error("assignee.qualified", "法律职业资格要求须配合协作审核池 pool 使用：候选人名单由它确定 (qualified applies to a pool assignment, which lists the candidates)");
        }

        if (properties.Assignee.LevelsUp is { } up)
        {
            if (up < 1)
            {
                validator.Error("assignee.levelsUp", "须为正整数 (positive integer: how many levels above orgUnit)");
            }

            if (properties.Assignee.OrgUnit is null)
            {
                validator.Error("assignee.levelsUp", "须同时指定 orgUnit：从哪个单位向上 (levelsUp needs orgUnit to count from)");
            }
        }

        foreach (var (outcome, condition) in properties.OfferWhen)
        {
            if (!properties.Outcomes.Contains(outcome))
            {
                validator.Error($"offerWhen.{outcome}", $"“{outcome}” 不是本任务的办理结果 (not an outcome of this task)");
            }

            validator.Expression($"offerWhen.{outcome}", condition);
        }

        if (properties.OfferWhen.Count > 0 && properties.Outcomes.All(properties.OfferWhen.ContainsKey))
        {
            validator.Error("offerWhen", "至少一个办理结果须无条件提供 (at least one outcome must be offered unconditionally, or the task could open with none)");
        }

        if (properties.Clock is { } clock)
        {
            validator.DeclaredVariable("clock.variable", clock.Variable);
            if (properties.Deadline is null)
            {
                validator.Error("clock", "任务时钟须同时设置期限 deadline：时钟第一次启动时按它计算 (clock needs a deadline, used when the clock starts)");
            }

            foreach (var outcome in clock.StopOn.Where(o => !properties.Outcomes.Contains(o)))
            {
                validator.Error("clock.stopOn", $"“{outcome}” 不是本任务的办理结果 (not an outcome of this task)");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < properties.Form.Count; i++)
        {
            var field = properties.Form[i];
            if (!IsIdentifier(field.Name))
            {
                validator.Error($"form[{i}].name", $"字段名 “{field.Name}” 须为英文标识符 (must be an identifier)");
            }
            else if (!names.Add(field.Name))
            {
                validator.Error($"form[{i}].name", $"字段名 “{field.Name}” 重复 (duplicate field)");
            }

            if (!FormField.Types.Contains(field.Type))
            {
                validator.Error($"form[{i}].type", $"未知字段类型 “{field.Type}” (one of {string.Join(", ", FormField.Types)})");
            }

            if (field.Type == "select" && field.Options.Count == 0)
            {
                validator.Error($"form[{i}].options", "下拉字段须有选项 (select needs options)");
            }

            foreach (var outcome in field.RequiredFor.Where(o => !properties.Outcomes.Contains(o)))
            {
                validator.Error($"form[{i}].requiredFor", $"“{outcome}” 不是本任务的办理结果 (not an outcome of this task)");
            }
        }

        if (properties.Deadline is { } deadline && deadline.Validate() is { } error)
        {
            validator.Error("deadline", error);
        }

        if (properties.Reminders.Count > 0 && properties.Deadline is null)
        {
            validator.Error("reminders", "设置提醒须先设置期限 (reminders need a deadline)");
        }

        if (properties.Reminders.Count > 0)
        {
            validator.Template("reminders", ReminderTemplate);
        }

        if (properties.Reminders.Any(r => r is <= 0 or >= 1))
        {
            validator.Error("reminders", "提醒点须为期限的比例，介于 0 与 1 之间 (fractions between 0 and 1)");
        }

        if (properties.WithdrawWhenOverdue && properties.Deadline is null)
        {
            validator.Error("withdrawWhenOverdue", "逾期撤回须先设置期限 deadline (withdrawWhenOverdue needs a deadline)");
        }

        if (properties.Deadline is not null && properties.Outcomes.Contains(properties.OverdueOutcome))
        {
            validator.Error("overdueOutcome", $"超期结果 “{properties.OverdueOutcome}” 与办理结果重名 (clashes with an outcome)");
        }
    }

    protected override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        var taskId = Guid.CreateVersion7(context.Now);
        var orgUnit = properties.Assignee.OrgUnit is { } unitExpression ? AsText(context.Evaluate(unitExpression)) : null;
        if (orgUnit is not null && properties.Assignee.LevelsUp is { } levelsUp)
        {
            orgUnit = await UnitAboveAsync(context, orgUnit, levelsUp);
        }

        var user = properties.Assignee.User is { } userExpression ? AsText(context.Evaluate(userExpression)) : null;
        string? candidates = null;
        string? recusedUnits = null;
        var routing = "";
        if (properties.Assignee.Pool is { } poolExpression)
        {
            (orgUnit, candidates, recusedUnits, routing) = await ResolvePoolAsync(context, properties.Assignee, orgUnit, poolExpression);
        }

        var outcomes = OfferedOutcomes(context, properties);
        var bookmark = context.CreateBookmark(BookmarkKind.Task, taskId: taskId);
        DateTimeOffset? due = null;
        var escalationLevel = 0;
        var note = "";
        if (properties.Deadline is { } deadline)
        {
            var limitStart = context.Now;
            if (properties.Clock is { } binding)
            {
                var clock = TaskClock.Read(context.Variables[binding.Variable], binding.Variable);
                if (clock is null)
                {
                    clock = TaskClock.Start(context.Now, deadline.DueFrom(context.Now, context.Services.Calendar), deadline.WorkingDays is not null);
                }
                else
                {
                    clock.InWorkingDays ??= deadline.WorkingDays is not null;
                    var moved = clock.Resume(context.Now, context.Services.Calendar);
                    note = moved > TimeSpan.Zero ? $"；时钟恢复，期限顺延至 {DuePolicy.LastDay(clock.DueAt, context.Services.Calendar):yyyy-MM-dd}" : "";
                    if (clock.EscalationLevel > 0 && clock.OrgUnitCode is { } escalatedTo)
                    {
                        // The work was escalated (督办) and taken over above: it stays there when it comes back.
                        orgUnit = escalatedTo;
                        user = null;
                        escalationLevel = clock.EscalationLevel;
                    }
                }

                due = clock.DueAt;
                limitStart = clock.ActiveSince;
                context.Variables[binding.Variable] = clock.ToJson(context.Services.Calendar);
            }
            else
            {
                due = deadline.DueFrom(context.Now, context.Services.Calendar);
            }

            context.CreateBookmark(BookmarkKind.Timer, DeadlineTimer, due, taskId);
            foreach (var fraction in properties.Reminders)
            {
                // Fractions of the whole limit; on a resumed clock the points already passed are not repeated.
                var at = limitStart + ((due.Value - limitStart) * fraction);
                if (at > context.Now)
                {
                    context.CreateBookmark(BookmarkKind.Timer, ReminderTimer, at, taskId);
                }
            }
        }

        var task = new WorkflowTask
        {
            Id = taskId,
            InstanceId = context.Instance.Id,
            BookmarkId = bookmark.Id,
            ActivityId = context.Activity.Id,
            DefinitionId = context.Instance.DefinitionId,
            CorrelationId = context.Instance.CorrelationId,
            Title = context.Render(properties.Title),
            // The column holds 4,000 characters; a description quoting long facts is cut rather than refused.
            Description = properties.Description is { Length: > 0 } description && context.Render(description) is var text
                ? (text.Length > 4000 ? text[..3999] + "…" : text)
                : null,
            AssigneeRole = properties.Assignee.Role,
            OrgUnitCode = orgUnit,
            AssigneeUser = user,
            Candidates = candidates,
            RecusedUnits = recusedUnits,
            QualificationRequired = properties.Assignee.Qualified,
            OutcomesJson = ReferenceEquals(outcomes, properties.Outcomes) ? properties.OutcomesJson : JsonSerializer.Serialize(outcomes, Json),
            FormJson = properties.FormJson,
            Status = WorkflowTaskStatus.Open,
            CreatedAt = context.Now,
            DueAt = due,
            EscalationLevel = escalationLevel,
        };
        context.AddTask(task);
        context.Summary = $"{task.Title} → {properties.Assignee.Role}@{orgUnit}{(user is null ? "" : " " + user)}{routing}{note}";
        return ActivityResult.Wait;
    }

    /// <summary>The outcomes this opening of the task offers: those without an <c>offerWhen</c> condition, and those whose condition holds.</summary>
    private static List<string> OfferedOutcomes(ActivityContext context, Properties properties)
    {
        if (properties.OfferWhen.Count == 0)
        {
            return properties.Outcomes;
        }

        var scope = context.ScriptScope();
        return [.. properties.Outcomes.Where(o => !properties.OfferWhen.TryGetValue(o, out var condition) || context.Services.Scripts.EvaluateCondition(condition, scope))];
    }

    /// <summary>
    /// Who may take a pool task: the role's holders in the own unit if there are any (with <c>qualified</c>: any holding
    /// 法律职业资格), else those of the pool unit and the units under it, less the recused and, with <c>qualified</c>,
    /// the unqualified. With nobody left the task stays with the pool unit, so the 司法局 sees it and can assign it: as
    /// a group task, or, with <c>qualified</c>, with an empty candidate list, since a group task could be claimed by
    /// any holder of the role in or above the unit, qualified or not. The journal says who was left out and why.
    /// </summary>
    private static async Task<(string? Unit, string? Candidates, string? RecusedUnits, string Routing)> ResolvePoolAsync(ActivityContext context, Assignment assignee, string? ownUnit, string poolExpression)
    {
        var role = assignee.Role!;
        var recused = assignee.Recuse is { } recuseExpression ? Codes(context.Evaluate(recuseExpression)) : [];
        var orgs = context.Services.Orgs;
        var withdrawn = new List<StaffMember>();
        var unqualified = new List<StaffMember>();
        List<StaffMember> Qualified(IEnumerable<StaffMember> members)
        {
            var list = members.ToList();
            if (!assignee.Qualified)
            {
                return list;
            }

            unqualified.AddRange(list.Where(m => !m.LegalQualification));
            return [.. list.Where(m => m.LegalQualification)];
        }

        List<StaffMember> Eligible(IEnumerable<StaffMember> members)
        {
            var list = members.ToList();
            withdrawn.AddRange(list.Where(m => recused.Contains(m.OrgUnitCode)));
            return Qualified(list.Where(m => !recused.Contains(m.OrgUnitCode)));
        }

        string LeftOut() =>
            (withdrawn.Count == 0 ? "" : $"（回避：{string.Join("、", withdrawn.Select(m => m.UserName).Distinct())}）")
            + (unqualified.Count == 0 ? "" : $"（无法律职业资格：{string.Join("、", unqualified.Select(m => m.UserName).Distinct())}）");

        if (!string.IsNullOrEmpty(ownUnit))
        {
            // Recusal is about the pool: a unit's own reviewers are the ones the law expects to review its cases.
            // Their qualification is not: without it they count as no reviewers, and the pool takes the case.
            var own = Qualified(await orgs.GetMembersAsync(role, ownUnit, withChildUnits: false, context.CancellationToken));
            if (own.Count > 0)
            {
                return (ownUnit, Join(own), null, $"；本单位审核：{string.Join("、", own.Select(m => m.UserName))}{LeftOut()}");
            }
        }

        var poolUnit = AsText(context.Evaluate(poolExpression));
        if (string.IsNullOrEmpty(poolUnit))
        {
            throw new InvalidOperationException($"节点 “{context.Activity.Id}” 的协作审核池单位为空 (pool expression gave no unit)");
        }

        var pool = Eligible(await orgs.GetMembersAsync(role, poolUnit, withChildUnits: true, context.CancellationToken));
        var recusedUnits = recused.Count == 0 ? null : "," + string.Join(",", recused.Order(StringComparer.Ordinal)) + ",";
        if (pool.Count > 0)
        {
            return (poolUnit, Join(pool), recusedUnits, $"；协作审核池：{string.Join("、", pool.Select(m => m.UserName))}{LeftOut()}");
        }

        return assignee.Qualified
            ? (poolUnit, ",", recusedUnits, $"；协作审核池无具备法律职业资格的审核人员，由 {poolUnit} 统筹指派{LeftOut()}")
            : (poolUnit, null, recusedUnits, $"；协作审核池无可用审核人员，由 {poolUnit} 统筹指派{LeftOut()}");

        static string Join(IEnumerable<StaffMember> members) => "," + string.Join(",", members.Select(m => m.UserName).Distinct()) + ",";
    }

    private static HashSet<string> Codes(JsonNode? node) => node switch
    {
        JsonArray array => [.. array.Select(AsText).OfType<string>()],
        null => [],
        _ => AsText(node) is { Length: > 0 } code ? [code] : [],
    };

    /// <summary>The unit <paramref name="levels"/> levels above <paramref name="code"/>, or the top of the tree when it is nearer.</summary>
    private static async Task<string> UnitAboveAsync(ActivityContext context, string code, int levels)
    {
        var line = await context.Services.Orgs.LineUpwardAsync(code, levels, context.CancellationToken);
        return line.Count > 0 ? line[^1].Code : code;
    }

    protected override async ValueTask<ActivityResult> ResumeAsync(ActivityContext context, Properties properties, Bookmark bookmark, ResumeInput input)
    {
        var task = bookmark.TaskId is { } taskId ? await context.FindOpenTaskAsync(taskId) : null;
        if (task is null)
        {
            return ActivityResult.EndPath;
        }

        switch (bookmark.Kind, bookmark.Name)
        {
            case (BookmarkKind.Timer, ReminderTimer):
                await RemindAsync(context, task);
                return ActivityResult.EndPath;
            case (BookmarkKind.Timer, DeadlineTimer):
                context.Summary = $"{task.Title} 已超过办理期限";
                if (properties.WithdrawWhenOverdue)
                {
                    // The overdue path replaces the task rather than running beside it: nothing may complete it later.
                    foreach (var wait in context.Bookmarks.Where(b => b.TaskId == task.Id).ToList())
                    {
                        context.RemoveBookmark(wait);
                    }

                    context.CloseTask(task, WorkflowTaskStatus.Cancelled);
                    context.Summary += "，任务撤回";
                }

                return ActivityResult.Done(properties.OverdueOutcome);
        }

        var outcome = input.Outcome!;
        var unit = task.OrgUnitCode is { } code ? await context.Services.Orgs.FindAsync(code, context.CancellationToken) : null;
        var result = new JsonObject
        {
            ["outcome"] = outcome,
            ["comment"] = input.Comment,
            ["by"] = input.Actor,
            ["byName"] = string.IsNullOrWhiteSpace(input.ActorName) ? input.Actor : input.ActorName,
            ["at"] = context.Now.ToString("O", CultureInfo.InvariantCulture),
            ["fields"] = input.Fields?.DeepClone() ?? new JsonObject(),
            ["unit"] = new JsonObject { ["code"] = task.OrgUnitCode, ["name"] = unit?.Name },
        };
        if (properties.Clock is { } binding)
        {
            // The clock takes over what happened to the task: 督办 may have moved its deadline and its unit.
            var clock = TaskClock.Read(context.Variables[binding.Variable], binding.Variable)
                ?? TaskClock.Start(task.CreatedAt, task.DueAt ?? context.Now, properties.Deadline?.WorkingDays is not null);
            clock.DueAt = task.DueAt ?? clock.DueAt;
            clock.OrgUnitCode = task.OrgUnitCode;
            clock.EscalationLevel = task.EscalationLevel;
            if (binding.StopOn.Contains(outcome))
            {
                clock.Stop(context.Now);
            }

            context.Variables[binding.Variable] = clock.ToJson(context.Services.Calendar);
        }

        task.Outcome = outcome;
        task.Comment = input.Comment;
        task.CompletedBy = input.Actor;
        task.ResultJson = result.ToJsonString();
        context.CloseTask(task, WorkflowTaskStatus.Completed);
        context.Variables[context.Activity.Id] = result;
        context.Summary = input.Fields is { Count: > 0 } fields ? $"{outcome} {FieldsText(properties.Form, fields)}" : outcome;
        return ActivityResult.Done(outcome);
    }

    private static async Task RemindAsync(ActivityContext context, WorkflowTask task)
    {
        var offset = context.Services.Calendar.UtcOffset;
        var unit = task.OrgUnitCode is { } code ? await context.Services.Orgs.FindAsync(code, context.CancellationToken) : null;
        var model = new JsonObject
        {
            ["task"] = new JsonObject
            {
                ["title"] = task.Title,
                ["dueAt"] = task.DueAt?.ToOffset(offset).ToString("O", CultureInfo.InvariantCulture),
                ["unitName"] = unit?.Name,
                ["url"] = $"/tasks/{task.Id}",
            },
        };
        var html = context.Services.Notices.Render(ReminderTemplate, model);
        if (task.AssigneeRole is { } role && task.OrgUnitCode is { } unitCode)
        {
            foreach (var address in await context.Services.Orgs.GetEmailsAsync(role, unitCode, context.CancellationToken))
            {
                context.QueueMail(address, $"【办理提醒】{task.Title}", html, null);
            }
        }

        context.Summary = $"到期提醒：{task.Title}（{task.DueAt?.ToOffset(offset):yyyy-MM-dd HH:mm} 到期）";
    }

    /// <summary>
    /// The values a person entered, as the case record reads them: each under its form label (理由：…；依据：…), a
    /// check box as 是/否. The record is read by people; escaped JSON (\u7406…) said nothing to them.
    /// </summary>
    public static string FieldsText(IReadOnlyList<FormField> form, JsonObject fields) =>
        string.Join("；", fields.Where(f => f.Value is not null).Select(f => $"{form.FirstOrDefault(x => x.Name == f.Key)?.Label ?? f.Key}：{ValueText(f.Value)}"));

    /// <summary>A task's form as stored with it (<see cref="WorkflowTask.FormJson"/>).</summary>
    public static IReadOnlyList<FormField> ReadForm(string formJson) => JsonSerializer.Deserialize<List<FormField>>(formJson, Json) ?? [];

    /// <summary>One entered value as people read it: text as it is, a check box as 是/否, anything else as JSON.</summary>
    public static string ValueText(JsonNode? value) => value switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "是",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "否",
        _ => AsText(value) ?? "",
    };

    /// <summary>Checks a completion against the task's outcomes and form before anything runs.</summary>
    public static void ValidateCompletion(WorkflowTask task, ResumeInput input)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var outcomes = JsonSerializer.Deserialize<List<string>>(task.OutcomesJson, Json) ?? [];
        var form = ReadForm(task.FormJson);
        if (string.IsNullOrWhiteSpace(input.Outcome) || !outcomes.Contains(input.Outcome))
        {
            errors["outcome"] = [$"办理结果须为以下之一：{string.Join("、", outcomes)}"];
        }

        if (input.Comment is { Length: > 5000 })
        {
            errors["comment"] = ["意见不能超过 5000 字"];
        }

        var fields = input.Fields ?? [];
        foreach (var (name, _) in fields)
        {
            if (form.All(f => f.Name != name))
            {
                errors[$"fields.{name}"] = ["本任务没有该字段"];
            }
        }

        foreach (var field in form)
        {
            var value = fields[field.Name];
            var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value?.ToJsonString();
            var required = field.Required || (input.Outcome is { } o && field.RequiredFor.Contains(o));
            if (value is null || string.IsNullOrWhiteSpace(text))
            {
                if (required)
                {
                    errors[$"fields.{field.Name}"] = [$"请填写“{field.Label}”"];
                }

                continue;
            }

            var problem = field.Type switch
            {
                // A list or an object where one value belongs would reach the notice as JSON text.
                _ when value is not JsonValue => "须为单个值，不能是列表或对象",
                "number" when !decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out _) => "须为数字",
                "date" when !DateOnly.TryParse(text, CultureInfo.InvariantCulture, out _) && !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, out _) => "须为日期（如 2026-03-01）",
                "boolean" when value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False) && text is not ("true" or "false") => "须为是或否",
                "select" when !field.Options.Contains(text) => $"须为以下之一：{string.Join("、", field.Options)}",
                _ when field.MaxLength is { } max && text.Length > max => $"不能超过 {max} 字",
                _ => null,
            };
            if (problem is not null)
            {
                errors[$"fields.{field.Name}"] = [$"“{field.Label}”{problem}"];
            }
        }

        if (errors.Count > 0)
        {
            throw new TaskInputException(errors);
        }
    }

    internal const string DeadlineTimer = "deadline";
    internal const string ReminderTimer = "reminder";

    /// <summary>The e-mail template for reminders; part of the shipped templates, checked by validation.</summary>
    public const string ReminderTemplate = "email/task-reminder";

    private static string? AsText(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString();

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    public sealed class Properties
    {
        private string? _formJson;
        private string? _outcomesJson;

        public string Title { get; set; } = "";

        /// <summary>The form as each task stores it, written once per properties object (a published flow keeps one).</summary>
        internal string FormJson => _formJson ??= JsonSerializer.Serialize(Form, Json);

        /// <summary>All outcomes as a task stores them, written once per properties object.</summary>
        internal string OutcomesJson => _outcomesJson ??= JsonSerializer.Serialize(Outcomes, Json);

        public string? Description { get; set; }

        public Assignment Assignee { get; set; } = new();

        public List<string> Outcomes { get; set; } = [];

        public List<FormField> Form { get; set; } = [];

        public DuePolicy? Deadline { get; set; }

        /// <summary>When to remind, as fractions of the time allowed (e.g. 0.5 and 0.8).</summary>
        public List<double> Reminders { get; set; } = [];

        public string OverdueOutcome { get; set; } = DefaultOverdueOutcome;

        /// <summary>
        /// When the deadline passes the task is withdrawn (撤回) and only the overdue path goes on, e.g. an invitation
        /// that lapses; otherwise the task stays open beside the overdue path (for 督办).
        /// </summary>
        public bool WithdrawWhenOverdue { get; set; }

        /// <summary>Keeps the deadline in a variable shared with other tasks, stopped by some outcomes; see <see cref="TaskClock"/>.</summary>
        public ClockBinding? Clock { get; set; }

        /// <summary>Outcome → condition: the outcome is offered only when the condition is true as the task opens.</summary>
        public Dictionary<string, string> OfferWhen { get; set; } = [];
    }

    public sealed class ClockBinding
    {
        /// <summary>The declared variable holding the clock (an object, empty until the first task starts it).</summary>
        public string Variable { get; set; } = "";

        /// <summary>Outcomes that stop the clock until a task on it opens again (e.g. 要求补正).</summary>
        public List<string> StopOn { get; set; } = [];
    }

    public sealed class Assignment
    {
        /// <summary>Candidate group: users with this role in the org unit (and, for supervisors, above it).</summary>
        public string? Role { get; set; }

        /// <summary>Expression giving the org-unit code.</summary>
        public string? OrgUnit { get; set; }

        /// <summary>Expression giving a single user name.</summary>
        public string? User { get; set; }

        /// <summary>Assign to the unit this many levels above <see cref="OrgUnit"/> (e.g. 1: 复查 by the 上一级机关); the top stays the top.</summary>
        public int? LevelsUp { get; set; }

        /// <summary>
        /// Expression giving a pool unit (法制审核协作): when nobody holds <see cref="Role"/> in <see cref="OrgUnit"/>
        /// (or it is empty), the task goes to the holders of the role in the pool unit and the units directly under it.
        /// </summary>
        public string? Pool { get; set; }

        /// <summary>Expression giving unit codes (one or a list) whose members are left out of the pool (回避).</summary>
        public string? Recuse { get; set; }

        /// <summary>
        /// Only holders of 法律职业资格 may take the task (《行政处罚法》 Art. 58: first-time legal reviewers): the own
        /// unit's reviewers without it count as none, and the pool leaves them out. Needs <see cref="Pool"/>.
        /// </summary>
        public bool Qualified { get; set; }
    }
}
