using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Supervisors;

/// <summary>
/// <c>supervisors.pick</c>: draws an invited supervisor for a case. Inputs: <c>unitCode</c> (the supervising unit
/// of the case), <c>respondentUnitCode</c>, <c>exclude</c> (user names who declined or let the invitation lapse).
/// Answers <c>selected</c> with <c>{ userName, name, category, probability, eligible }</c>, or <c>none</c>. The
/// journal line lists every candidate with their chance and every exclusion with its reason (auditable fairness).
/// </summary>
public sealed class PickSupervisorService(WorkflowDbContext db, IWorkingCalendar calendar, SupervisorRandom random) : IWorkflowService
{
    public const string ServiceName = "supervisors.pick";
    public const string Role = "特邀监督员";

    public string Name => ServiceName;

    public async Task<ServiceResult> InvokeAsync(JsonObject inputs, ServiceCall call, CancellationToken cancellationToken)
    {
        var unitCode = Text(inputs["unitCode"]) ?? throw new InvalidOperationException($"{ServiceName}: unitCode is required");
        var respondent = Text(inputs["respondentUnitCode"]);
        var excluded = inputs["exclude"] is JsonArray list ? list.Select(Text).OfType<string>().ToHashSet(StringComparer.Ordinal) : [];
        var today = DateOnly.FromDateTime(call.Now.ToOffset(calendar.UtcOffset).DateTime);

        var regions = await RegionsCoveringAsync(unitCode, cancellationToken);
        var marker = "," + Role + ",";
        var pool = await db.Supervisors.AsNoTracking()
            .Where(s => regions.Contains(s.RegionCode) && s.TermStart <= today && s.TermEnd >= today && !s.DisqualifyingRecord && s.Status == InvitedSupervisor.Serving && s.Available)
            .Join(db.Users.Where(u => u.IsActive && ("," + u.Roles + ",").Contains(marker)), s => s.UserName, u => u.UserName, (s, _) => s)
            .OrderBy(s => s.UserName)
            .ToListAsync(cancellationToken);
        var names = pool.Select(s => s.UserName).ToList();
        var loads = await db.Tasks.AsNoTracking()
            .Where(t => t.Status == WorkflowTaskStatus.Open && t.AssigneeUser != null && names.Contains(t.AssigneeUser))
            .GroupBy(t => t.AssigneeUser!)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);

        var candidates = pool.Select(s => new SupervisorCandidate(s.UserName, s.Name, s.Category, loads.GetValueOrDefault(s.UserName), Conflict(s, unitCode, respondent, excluded))).ToList();
        var draw = SupervisorSelector.Draw(candidates, random.Generator);
        var odds = string.Join("、", draw.Eligible.Select(e => $"{e.Candidate.Name}（在办 {e.Candidate.Load}，{e.Probability * 100:0}%）"));
        var left = draw.Excluded.Count == 0 ? "无" : string.Join("、", draw.Excluded.Select(c => $"{c.Name}：{c.Conflict}"));
        if (draw.Chosen is not { } chosen)
        {
            return new ServiceResult("none", null, $"无可选的特邀监督员（回避/排除：{left}）");
        }

        // The whole draw is kept with the case (the journal line is cut at 1,000 characters in a large pool).
        var value = new JsonObject
        {
            ["userName"] = chosen.UserName,
            ["name"] = chosen.Name,
            ["category"] = chosen.Category,
            ["probability"] = Math.Round(draw.ChosenProbability, 4),
            ["eligible"] = draw.Eligible.Count,
            ["candidates"] = new JsonArray([.. draw.Eligible.Select(e => (JsonNode)new JsonObject
            {
                ["userName"] = e.Candidate.UserName, ["load"] = e.Candidate.Load, ["probability"] = Math.Round(e.Probability, 4),
            })]),
            ["excluded"] = new JsonArray([.. draw.Excluded.Select(c => (JsonNode)new JsonObject { ["userName"] = c.UserName, ["reason"] = c.Conflict })]),
        };
        return new ServiceResult("selected", value, string.Create(CultureInfo.InvariantCulture,
            $"抽取特邀监督员：{chosen.Name}（{chosen.Category}）。回避/排除：{left}；候选及概率：{odds}"));
    }

    /// <summary>Why a supervisor may not take the case, or null.</summary>
    private static string? Conflict(InvitedSupervisor s, string unitCode, string? respondent, HashSet<string> excluded)
    {
        if (excluded.Contains(s.UserName))
        {
            return "本案已拒绝或逾期未答复";
        }

        if (respondent is not null && s.WorkUnitCode == respondent)
        {
            return "任职于被监督单位";
        }

        if (s.WorkUnitCode == unitCode)
        {
            return "任职于承办单位";
        }

        return respondent is not null && s.RelationList.Contains(respondent) ? "申报与被监督单位存在利害关系" : null;
    }

    /// <summary>The unit and every unit above it: a supervisor of the region or of the prefecture covers the case.</summary>
    private async Task<List<string>> RegionsCoveringAsync(string unitCode, CancellationToken cancellationToken)
    {
        var parents = await db.OrgUnits.AsNoTracking().ToDictionaryAsync(u => u.Code, u => u.ParentCode, cancellationToken);
        var chain = new List<string>();
        for (var code = unitCode; code is not null && !chain.Contains(code); code = parents.GetValueOrDefault(code))
        {
            chain.Add(code);
        }

        return chain;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) ? s : null;
}

/// <summary>The random source of the draw: shared in production, seeded in tests so a failing draw can be replayed.</summary>
public sealed class SupervisorRandom(Random generator)
{
    public Random Generator { get; } = generator;
}
