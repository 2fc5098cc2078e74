namespace ZangZhiFa.Workflow.Web.Components.Admin.Editors;

/// <summary>What the typed property editors offer to pick from, computed from the flow being edited and the host.</summary>
/// <param name="Variables">Names an expression may use: the flow's variables, the results of activities that store one, and the engine's built-ins.</param>
/// <param name="DeclaredVariables">The flow's declared variables only (what SetVariables may assign, what a clock may live in).</param>
/// <param name="HumanTasks">Ids of the flow's HumanTask activities (what Escalate can escalate).</param>
/// <param name="Templates">Notice and e-mail templates under <c>templates/</c>, by id.</param>
/// <param name="Definitions">Flow ids a subflow may start.</param>
/// <param name="Roles">The staff roles tasks can be assigned to.</param>
public sealed record DesignerScope(
    IReadOnlyList<string> Variables,
    IReadOnlyList<string> DeclaredVariables,
    IReadOnlyList<string> HumanTasks,
    IReadOnlyList<string> Templates,
    IReadOnlyList<string> Definitions,
    IReadOnlyList<string> Roles);
