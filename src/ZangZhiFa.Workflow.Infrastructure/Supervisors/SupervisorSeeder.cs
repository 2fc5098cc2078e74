using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Supervisors;

/// <summary>
/// Loads the demo pool of invited supervisors from <c>seed/supervisors.json</c>, checking each against the
/// appointment conditions first: a file naming someone who may not be appointed is refused as a whole, with the
/// person and the reason, rather than half-loaded.
/// </summary>
public static class SupervisorSeeder
{
    public static readonly IReadOnlySet<string> Categories = new HashSet<string>(StringComparer.Ordinal)
    {
        "人大代表", "政协委员", "律师", "新闻工作者", "专家", "企业", "基层群众",
    };

    /// <summary>大专 or above (Art. 6).</summary>
    public static readonly IReadOnlySet<string> Educations = new HashSet<string>(StringComparer.Ordinal) { "大专", "本科", "硕士研究生", "博士研究生" };

    /// <summary>The term when the file gives no end (five years, as in the neighbouring provinces' rules).</summary>
    public const int DefaultTermYears = 5;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task SeedAsync(WorkflowDbContext db, string seedFolder, CancellationToken cancellationToken)
    {
        var file = Path.Combine(seedFolder, "supervisors.json");
        var data = JsonSerializer.Deserialize<SupervisorFile>(await File.ReadAllTextAsync(file, cancellationToken), Json)
            ?? throw new InvalidDataException($"{file}: empty");
        var problems = data.Supervisors.SelectMany(s => Check(s).Select(p => $"{file}: {s.UserName}（{s.Name}）：{p}")).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidDataException(string.Join(Environment.NewLine, problems));
        }

        var existing = await db.Supervisors.Select(s => s.UserName).ToListAsync(cancellationToken);
        foreach (var s in data.Supervisors.Where(s => !existing.Contains(s.UserName)))
        {
            s.Id = Guid.NewGuid();
            if (s.TermEnd == default)
            {
                s.TermEnd = s.TermStart.AddYears(DefaultTermYears).AddDays(-1);
            }

            db.Supervisors.Add(s);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>What bars the appointment (Art. 5–7), in Chinese; empty when the person may be appointed.</summary>
    public static IEnumerable<string> Check(InvitedSupervisor s)
    {
        if (!Categories.Contains(s.Category))
        {
            yield return $"人员类别须为{string.Join("、", Categories)}之一";
        }

        if (s.BirthDate.AddYears(18) > s.TermStart)
        {
            yield return "聘任时未满十八周岁";
        }

        if (!Educations.Contains(s.Education))
        {
            yield return "学历须为大专以上";
        }

        if (s.DisqualifyingRecord)
        {
            yield return "有处分、刑事处罚、行政拘留、开除公职或失信被执行人记录，不得聘任";
        }

        if (s.TermEnd != default && s.TermEnd < s.TermStart)
        {
            yield return "聘期结束早于开始";
        }
    }

    private sealed record SupervisorFile(List<InvitedSupervisor> Supervisors);
}
