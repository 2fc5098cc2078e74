using ZangZhiFa.Workflow.Engine.Definitions;

namespace ZangZhiFa.Workflow.Engine.Abstractions;

/// <summary>Where published definitions come from (files at start-up, the designer's store later).</summary>
public interface IWorkflowDefinitionProvider
{
    /// <summary>The latest published version, or null when the id is unknown.</summary>
    WorkflowDefinition? FindLatest(string definitionId);

    /// <summary>An exact version; running instances stay on the version they started with.</summary>
    WorkflowDefinition? Find(string definitionId, int version);
}
