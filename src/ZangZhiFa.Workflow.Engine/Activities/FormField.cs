namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>A field of a human task's form, as declared in the definition.</summary>
public sealed class FormField
{
    public string Name { get; set; } = "";

    public string Label { get; set; } = "";

    /// <summary><c>text</c>, <c>textarea</c>, <c>number</c>, <c>date</c>, <c>boolean</c> or <c>select</c>.</summary>
    public string Type { get; set; } = "text";

    public bool Required { get; set; }

    /// <summary>Outcomes for which the field is required (e.g. a reason for 不予受理).</summary>
    public List<string> RequiredFor { get; set; } = [];

    public List<string> Options { get; set; } = [];

    public int? MaxLength { get; set; }

    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
    {
        "text", "textarea", "number", "date", "boolean", "select",
    };
}
