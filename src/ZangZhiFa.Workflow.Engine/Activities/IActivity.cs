using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>One kind of node in a flowchart. Implementations are stateless singletons.</summary>
public interface IActivity
{
    /// <summary>The <c>type</c> value in definition files.</summary>
    string Type { get; }

    /// <summary>Chinese name for the designer's palette.</summary>
    string DisplayName { get; }

    /// <summary>Whether this node (with these properties) can pause its path; cycles need one.</summary>
    bool CanWait(ActivityDefinition definition);

    /// <summary>Whether the properties can be read at all; when not, outcome checks would only repeat that error.</summary>
    bool CanReadProperties(ActivityDefinition definition);

    /// <summary>The outcomes this node can complete with; each needs exactly one connection.</summary>
    IReadOnlyList<string> GetOutcomes(ActivityDefinition definition);

    /// <summary>
    /// Rewrites the places in this node's own properties that name outcome <paramref name="from"/> (fields required
    /// for it, the condition offering it) to <paramref name="to"/>, after a designer renamed the outcome.
    /// </summary>
    void RenameOutcome(ActivityDefinition definition, string from, string to);

    void Validate(ActivityDefinition definition, DefinitionValidationContext context);

    ValueTask<ActivityResult> ExecuteAsync(ActivityContext context);

    ValueTask<ActivityResult> ResumeAsync(ActivityContext context, Bookmark bookmark, ResumeInput input);
}
