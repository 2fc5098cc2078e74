using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// A task for people (人工任务): opens an inbox task for a role in an org unit (or one user), waits until
/// someone completes it with one of its outcomes, and stores the result in the variable named after the
/// activity (<c>{ outcome, comment, by, at, fields }</c>). With a deadline it also sets reminder timers and a
/// deadline timer; when the deadline passes the task stays open and the overdue outcome starts a side path
/// (typically <see cref="Escalate"/>).
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

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        validator.Required("title", properties.Title);
        validator.Text("title", properties.Title);
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

        if (properties.Deadline is not null && properties.Outcomes.Contains(properties.OverdueOutcome))
        {
            validator.Error("overdueOutcome", $"超期结果 “{properties.OverdueOutcome}” 与办理结果重名 (clashes with an outcome)");
        }
    }

    protected override ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        var taskId = Guid.CreateVersion7(context.Now);
        var orgUnit = properties.Assignee.OrgUnit is { } unitExpression ? AsText(context.Evaluate(unitExpression)) : null;
        var user = properties.Assignee.User is { } userExpression ? AsText(context.Evaluate(userExpression)) : null;
        var bookmark = context.CreateBookmark(BookmarkKind.Task, taskId: taskId);
        DateTimeOffset? due = null;
        if (properties.Deadline is { } deadline)
        {
            due = deadline.DueFrom(context.Now, context.Services.Calendar);
            context.CreateBookmark(BookmarkKind.Timer, DeadlineTimer, due, taskId);
            foreach (var fraction in properties.Reminders)
            {
                context.CreateBookmark(BookmarkKind.Timer, ReminderTimer, context.Now + ((due.Value - context.Now) * fraction), taskId);
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
            AssigneeRole = properties.Assignee.Role,
            OrgUnitCode = orgUnit,
            AssigneeUser = user,
            OutcomesJson = JsonSerializer.Serialize(properties.Outcomes, Json),
            FormJson = JsonSerializer.Serialize(properties.Form, Json),
            Status = WorkflowTaskStatus.Open,
            CreatedAt = context.Now,
            DueAt = due,
        };
        context.AddTask(task);
        context.Summary = $"{task.Title} → {properties.Assignee.Role}@{orgUnit}{(user is null ? "" : " " + user)}";
        return ValueTask.FromResult(ActivityResult.Wait);
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
                return ActivityResult.Done(properties.OverdueOutcome);
        }

        var outcome = input.Outcome!;
        var result = new JsonObject
        {
            ["outcome"] = outcome,
            ["comment"] = input.Comment,
            ["by"] = input.Actor,
            ["at"] = context.Now.ToString("O", CultureInfo.InvariantCulture),
            ["fields"] = input.Fields?.DeepClone() ?? new JsonObject(),
        };
        task.Outcome = outcome;
        task.Comment = input.Comment;
        task.CompletedBy = input.Actor;
        task.ResultJson = result.ToJsonString();
        context.CloseTask(task, WorkflowTaskStatus.Completed);
        context.Variables[context.Activity.Id] = result;
        context.Summary = input.Fields is { Count: > 0 } fields ? $"{outcome} {fields.ToJsonString()}" : outcome;
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

    /// <summary>Checks a completion against the task's outcomes and form before anything runs.</summary>
    public static void ValidateCompletion(WorkflowTask task, ResumeInput input)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var outcomes = JsonSerializer.Deserialize<List<string>>(task.OutcomesJson, Json) ?? [];
        var form = JsonSerializer.Deserialize<List<FormField>>(task.FormJson, Json) ?? [];
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
        public string Title { get; set; } = "";

        public string? Description { get; set; }

        public Assignment Assignee { get; set; } = new();

        public List<string> Outcomes { get; set; } = [];

        public List<FormField> Form { get; set; } = [];

        public DuePolicy? Deadline { get; set; }

        /// <summary>When to remind, as fractions of the time allowed (e.g. 0.5 and 0.8).</summary>
        public List<double> Reminders { get; set; } = [];

        public string OverdueOutcome { get; set; } = DefaultOverdueOutcome;
    }

    public sealed class Assignment
    {
        /// <summary>Candidate group: users with this role in the org unit (and, for supervisors, above it).</summary>
        public string? Role { get; set; }

        /// <summary>Expression giving the org-unit code.</summary>
        public string? OrgUnit { get; set; }

        /// <summary>Expression giving a single user name.</summary>
        public string? User { get; set; }
    }
}
