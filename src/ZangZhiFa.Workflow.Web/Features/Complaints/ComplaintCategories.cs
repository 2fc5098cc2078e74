namespace ZangZhiFa.Workflow.Web.Features.Complaints;

/// <summary>
/// The kinds of enforcement misconduct the public can report, as the regional plan names them
/// (《西藏自治区提升行政执法质量三年行动计划实施方案》: 运动式、“一刀切”、简单粗暴、野蛮、过度、机械、逐利执法,
/// 不作为、乱作为), plus 其他 for anything else.
/// </summary>
public static class ComplaintCategories
{
    public static readonly IReadOnlyList<string> All =
    [
        "运动式执法", "“一刀切”执法", "简单粗暴执法", "野蛮执法", "过度执法", "机械执法", "逐利执法", "不作为", "乱作为", "其他",
    ];
}
