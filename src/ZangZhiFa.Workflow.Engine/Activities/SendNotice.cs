using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Issues a notice (告知书、意见书、决定书…): renders the template, numbers and stores it with the case,
/// and, when <c>email</c> yields an address and the channel includes e-mail, queues it to be mailed.
/// Anonymous complainants simply have no address: the notice is still on file and on the status page.
/// The notice's <c>{ id, documentNumber, issuedAt }</c> is stored in the variable named after the activity, so
/// a later document can cite it (e.g. the 复查决定书 names the 答复意见书 by its 文号).
/// </summary>
public sealed class SendNotice : Activity<SendNotice.Properties>
{
    public override string Type => "SendNotice";

    public override string DisplayName => "发送文书";

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        validator.Template("template", properties.Template);
        validator.Required("title", properties.Title);
        validator.Text("title", properties.Title);
        if (properties.Channel is not ("record" or "email"))
        {
            validator.Error("channel", "只能是 record 或 email (must be record or email)");
        }

        if (properties.Channel == "email")
        {
            validator.Expression("email", properties.Email);
        }

        foreach (var (key, expression) in properties.Model)
        {
            validator.Expression($"model.{key}", expression);
        }
    }

    protected override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        var extra = new JsonObject();
        foreach (var (key, expression) in properties.Model)
        {
            extra[key] = context.Evaluate(expression);
        }

        var title = context.Render(properties.Title);
        var notice = await context.IssueNoticeAsync(properties.Template, title, properties.Audience, properties.DocumentPrefix, extra);
        if (properties.Channel == "email" && context.Evaluate(properties.Email!) is JsonValue value
            && value.TryGetValue<string>(out var address) && !string.IsNullOrWhiteSpace(address))
        {
            context.QueueMail(address, title, notice.Html, notice.Id);
        }

        context.Variables[context.Activity.Id] = new JsonObject
        {
            ["id"] = notice.Id.ToString(),
            ["documentNumber"] = notice.DocumentNumber,
            ["issuedAt"] = notice.IssuedAt.ToOffset(context.Services.Calendar.UtcOffset).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        context.Summary = notice.DocumentNumber is null ? title : $"{title} {notice.DocumentNumber}";
        return ActivityResult.Done(Outcomes.Done);
    }

    public sealed class Properties
    {
        public string Template { get; set; } = "";

        public string Title { get; set; } = "";

        /// <summary><c>record</c> (on file only) or <c>email</c> (on file and mailed).</summary>
        public string Channel { get; set; } = "record";

        /// <summary>Expression for the recipient's address, for the e-mail channel.</summary>
        public string? Email { get; set; }

        /// <summary>Who the notice is for, shown to them on their pages: <c>complainant</c>, <c>respondent</c>, <c>internal</c>.</summary>
        public string? Audience { get; set; }

        /// <summary>Document number prefix, e.g. <c>藏司督</c> → 藏司督〔2026〕3号.</summary>
        public string? DocumentPrefix { get; set; }

        /// <summary>Extra template fields computed from expressions.</summary>
        public Dictionary<string, string> Model { get; set; } = [];
    }
}
