namespace ZangZhiFa.Workflow.Infrastructure.Supervisors;

/// <summary>
/// An invited supervisor (行政执法特邀监督员) in the pool, with what was checked at appointment (the Tibet rules on
/// invited supervisors, Art. 5–7: category, age ≥ 18, education 大专 or above, no disqualifying record). They act
/// through a staff account holding the 特邀监督员 role, named by <see cref="UserName"/>.
/// </summary>
public sealed class InvitedSupervisor
{
    public Guid Id { get; set; }

    public string UserName { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>人大代表、政协委员、律师、新闻工作者、专家、企业、基层群众.</summary>
    public string Category { get; set; } = "";

    /// <summary>The org unit whose area they serve (自治区 or 地市): cases of that unit and the units below it.</summary>
    public string RegionCode { get; set; } = "";

    /// <summary>Where they work, if it is a unit of the tree: never assigned to cases of that unit.</summary>
    public string? WorkUnitCode { get; set; }

    /// <summary>Units with which they declared a relation (亲属、业务往来), comma-separated: never assigned to their cases.</summary>
    public string DeclaredRelations { get; set; } = "";

    public DateOnly TermStart { get; set; }

    public DateOnly TermEnd { get; set; }

    public DateOnly BirthDate { get; set; }

    public string Education { get; set; } = "";

    /// <summary>处分、刑事处罚、行政拘留、开除公职、失信被执行人 (Art. 7) — recorded, and it bars appointment.</summary>
    public bool DisqualifyingRecord { get; set; }

    /// <summary><see cref="Serving"/> (在任) or <see cref="Dismissed"/> (已解聘); only serving supervisors are drawn.</summary>
    public string Status { get; set; } = Serving;

    /// <summary>False while a serving supervisor cannot take cases (出差、病假…): left out of draws until set back.</summary>
    public bool Available { get; set; } = true;

    public const string Serving = "在任";
    public const string Dismissed = "已解聘";

    public IReadOnlyList<string> RelationList => DeclaredRelations.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
