namespace ZangZhiFa.Workflow.Infrastructure.Definitions;

/// <summary>
/// A definition written by an admin in the designer: one draft per flow (edited in place, <see cref="Version"/>
/// null) and every published version (never changed again, because running instances point at it).
/// The shipped <c>workflows/*.json</c> files stay the source of versions 1..n; stored versions continue the numbering.
/// </summary>
public sealed class StoredDefinition
{
    public long Id { get; set; }

    public string DefinitionId { get; set; } = "";

    /// <summary>Null for the draft; the published version number otherwise.</summary>
    public int? Version { get; set; }

    public StoredDefinitionStatus Status { get; set; }

    /// <summary>The definition in the export format (<c>WorkflowDefinitionSerializer</c>).</summary>
    public string Json { get; set; } = "";

    public string SavedBy { get; set; } = "";

    public DateTimeOffset SavedAt { get; set; }
}

public enum StoredDefinitionStatus
{
    Draft,
    Published,

    /// <summary>
    /// A version taken out of use for new instances. An admin-published row changes to this status; a shipped
    /// version (a file) gets a row of its own, holding its text, that only records the retirement.
    /// </summary>
    Retired,
}
