using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ZangZhiFa.Workflow.Engine.Definitions;

/// <summary>
/// A flow as stored in <c>workflows/*.json</c>: data, not code. The designer edits this model and the
/// serializer writes it back in the same shape, so unknown-to-C# details live in <see cref="ActivityDefinition.Properties"/>
/// as raw JSON and survive a round trip.
/// </summary>
public sealed class WorkflowDefinition
{
    [JsonPropertyName("$schema")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Schema { get; set; }

    /// <summary>Stable identifier, e.g. <c>complaint-intake</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>Display name shown to staff (Chinese).</summary>
    public string Name { get; set; } = "";

    /// <summary>Version of this definition; running instances stay on the version they started on.</summary>
    public int Version { get; set; } = 1;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; set; }

    /// <summary>Variables the flow reads and writes, with their initial values.</summary>
    public List<VariableDefinition> Variables { get; set; } = [];

    public List<ActivityDefinition> Activities { get; set; } = [];

    public List<ConnectionDefinition> Connections { get; set; } = [];

    public ActivityDefinition? FindActivity(string id) => Activities.Find(a => a.Id == id);
}

/// <summary>A declared workflow variable.</summary>
public sealed class VariableDefinition
{
    public string Name { get; set; } = "";

    /// <summary>One of <c>string</c>, <c>number</c>, <c>boolean</c>, <c>object</c>, <c>array</c>, <c>date</c>.</summary>
    public string Type { get; set; } = "string";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonNode? Default { get; set; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; set; }

    /// <summary>
    /// A string variable holding an org unit code whose staff (and those of the units above it) may open the case
    /// file although no task of theirs reaches it: the unit that filed a legal review waits while the 协作 pool
    /// reviews it, a 问责 waits for the officer's statement with no task open, a 意见书 has no task at all.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool CaseAccess { get; set; }
}

/// <summary>One node of the flowchart.</summary>
public sealed class ActivityDefinition
{
    /// <summary>Identifier unique in the flow; also the variable under which a task's result is stored.</summary>
    public string Id { get; set; } = "";

    /// <summary>Activity type, e.g. <c>HumanTask</c>; see <c>workflows/README.md</c>.</summary>
    public string Type { get; set; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Title { get; set; }

    /// <summary>Notes for people reading the flow: above all the source of every number (days, thresholds) it sets.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; set; }

    /// <summary>Type-specific settings, kept as raw JSON so that nothing the designer wrote is lost.</summary>
    public JsonObject Properties { get; set; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DesignerPosition? Position { get; set; }

    /// <summary>
    /// Set when the flow is published: its properties no longer change, so the typed form read from them is kept
    /// (<see cref="ParsedProperties"/>) instead of being parsed again at every step (a tenth of a step's processor time
    /// went to reading and writing JSON).
    /// </summary>
    internal bool Published { get; set; }

    /// <summary>The typed properties last read from <see cref="Properties"/>, with the object they were read from.</summary>
    internal ParsedProperties? Parsed { get; set; }
}

/// <summary>Typed properties and the raw JSON object they came from (a designer replaces the object, never edits it in place).</summary>
internal sealed record ParsedProperties(JsonObject Source, object Value);

/// <summary>Where the designer draws a node.</summary>
public sealed class DesignerPosition
{
    public double X { get; set; }

    public double Y { get; set; }
}

/// <summary>An arrow: when <see cref="From"/> completes with <see cref="Outcome"/>, <see cref="To"/> runs next.</summary>
public sealed class ConnectionDefinition
{
    public string From { get; set; } = "";

    public string Outcome { get; set; } = "";

    public string To { get; set; } = "";

    public override string ToString() => $"{From} --{Outcome}--> {To}";
}
