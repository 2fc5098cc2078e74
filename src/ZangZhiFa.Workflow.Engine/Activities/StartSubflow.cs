using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Starts another flow (子流程) with inputs from expressions, in the same unit of work. With <c>wait</c>,
/// this path waits until the child completes and its final variables land in the variable named after
/// this activity; the child's completion resumes the parent in the child's own transaction.
/// </summary>
public sealed class StartSubflow : Activity<StartSubflow.Properties>
{
    public override string Type => "StartSubflow";

    public override string DisplayName => "启动子流程";

    public override bool CanWait(ActivityDefinition definition) => Read(definition).Wait;

    protected override void Validate(Properties properties, PropertyValidator validator)
    {
        validator.Required("definition", properties.Definition);
        if (validator.Context.KnownDefinitions is { } known && !string.IsNullOrEmpty(properties.Definition) && !known.Contains(properties.Definition))
        {
            validator.Error("definition", $"未知流程定义 (unknown definition) “{properties.Definition}”");
        }

        foreach (var (name, expression) in properties.Inputs)
        {
            validator.Expression($"inputs.{name}", expression);
        }

        if (properties.CorrelationId is { } correlation)
        {
            validator.Expression("correlationId", correlation);
        }
    }

    protected override async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, Properties properties)
    {
        var inputs = new JsonObject();
        foreach (var (name, expression) in properties.Inputs)
        {
            inputs[name] = context.Evaluate(expression);
        }

        var correlationId = properties.CorrelationId is { } correlation ? context.Evaluate(correlation)?.ToString() : null;
        var child = await context.StartChildAsync(properties.Definition, inputs, correlationId);
        context.Summary = $"{properties.Definition} {child.Id}";
        if (!properties.Wait)
        {
            return ActivityResult.Done(Outcomes.Done);
        }

        if (child.Status == WorkflowStatus.Completed)
        {
            context.Variables[context.Activity.Id] = JsonNode.Parse(child.VariablesJson);
            return ActivityResult.Done(Outcomes.Done);
        }

        var bookmark = context.CreateBookmark(BookmarkKind.Subflow, properties.Definition, childInstanceId: child.Id);
        child.ParentBookmarkId = bookmark.Id;
        return ActivityResult.Wait;
    }

    protected override ValueTask<ActivityResult> ResumeAsync(ActivityContext context, Properties properties, Bookmark bookmark, ResumeInput input)
    {
        context.Variables[context.Activity.Id] = input.Fields?.DeepClone() ?? new JsonObject();
        return ValueTask.FromResult(ActivityResult.Done(Outcomes.Done));
    }

    public sealed class Properties
    {
        public string Definition { get; set; } = "";

        public Dictionary<string, string> Inputs { get; set; } = [];

        public bool Wait { get; set; } = true;

        /// <summary>
        /// Expression for the child's own case number; without it the child shares the parent's. A child that is a
        /// case in its own right (an accountability case out of a complaint) needs its own, so that its record
        /// and journal chain are not mixed with the parent's.
        /// </summary>
        public string? CorrelationId { get; set; }
    }
}
