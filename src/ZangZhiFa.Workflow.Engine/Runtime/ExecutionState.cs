using System.Text.Json;

namespace ZangZhiFa.Workflow.Engine.Runtime;

/// <summary>
/// The fork a path is inside: which fork activity, which execution of it and which branch. A path's
/// scope is the stack of these, innermost last; it is stored on every bookmark of the path.
/// </summary>
public sealed record ScopeFrame(string Fork, string Execution, string Branch);

/// <summary>Bookkeeping for an open fork: how many branches and which have reached the join.</summary>
public sealed class ForkState
{
    public string Fork { get; set; } = "";

    public int Branches { get; set; }

    public List<string> Arrived { get; set; } = [];

    /// <summary>Executions of the forks this one is nested in; cancelled with them.</summary>
    public List<string> Parents { get; set; } = [];
}

/// <summary>Engine state of an instance beside its variables (serialized to <c>StateJson</c>).</summary>
public sealed class ExecutionState
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public Dictionary<string, ForkState> Forks { get; set; } = [];

    public static ExecutionState Parse(string json) =>
        JsonSerializer.Deserialize<ExecutionState>(json, JsonOptions) ?? new ExecutionState();

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    internal static IReadOnlyList<ScopeFrame> ParseScope(string json) =>
        JsonSerializer.Deserialize<List<ScopeFrame>>(json, JsonOptions) ?? [];

    internal static string ScopeToJson(IReadOnlyList<ScopeFrame> scope) =>
        scope.Count == 0 ? "[]" : JsonSerializer.Serialize(scope, JsonOptions);
}
