namespace ZangZhiFa.Workflow.Engine.Model;

public enum WorkflowTaskStatus
{
    Open = 0,
    Completed = 1,
    Cancelled = 2,
}

/// <summary>
/// A human task in someone's inbox. Opened by a <c>HumanTask</c> activity together with its bookmark, in
/// the same transaction as the step that led to it.
/// </summary>
public sealed class WorkflowTask
{
    public Guid Id { get; set; }

    public Guid InstanceId { get; set; }

    public Guid BookmarkId { get; set; }

    public string ActivityId { get; set; } = "";

    public string DefinitionId { get; set; } = "";

    public string? CorrelationId { get; set; }

    public string Title { get; set; } = "";

    /// <summary>Role that may act on the task (candidate group), e.g. <c>受理员</c>.</summary>
    public string? AssigneeRole { get; set; }

    /// <summary>Org unit whose members (in the role) may act on it; changes when the task is escalated.</summary>
    public string? OrgUnitCode { get; set; }

    /// <summary>A single user the task is for, or who claimed it.</summary>
    public string? AssigneeUser { get; set; }

    /// <summary>
    /// A pool task (协作审核池): only these users may claim it, first come first served. Stored as
    /// <c>,user1,user2,</c> so one <c>LIKE</c> finds a user's pool tasks; null for ordinary tasks.
    /// </summary>
    public string? Candidates { get; set; }

    /// <summary>
    /// Units whose members a pool task leaves out (回避), as <c>,code1,code2,</c>; null when the task went to the unit's
    /// own people, whom recusal does not touch. With <see cref="QualificationRequired"/> it is the rule behind
    /// <see cref="Candidates"/>, which a hand-over applies to people the list could not name (appointed since).
    /// </summary>
    public string? RecusedUnits { get; set; }

    /// <summary>Only holders of 法律职业资格 may take the task (a pool task of the legal review).</summary>
    public bool QualificationRequired { get; set; }

    /// <summary>
    /// What the person taking the task should know and do, rendered from the activity's <c>description</c> when the
    /// task opened (it may name the case's facts: the 问题概述 of a 问责, the officer's unit).
    /// </summary>
    public string? Description { get; set; }

    /// <summary>Allowed outcomes as a JSON array of strings.</summary>
    public string OutcomesJson { get; set; } = "[]";

    /// <summary>Form fields the task asks for, as the JSON array from the definition.</summary>
    public string FormJson { get; set; } = "[]";

    public WorkflowTaskStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DueAt { get; set; }

    /// <summary>How many times the task has been escalated (督办) to a higher level.</summary>
    public int EscalationLevel { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public string? CompletedBy { get; set; }

    public string? Outcome { get; set; }

    public string? Comment { get; set; }

    public string? ResultJson { get; set; }

    public int Revision { get; set; }
}
