using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Supervisors;

/// <summary>
/// <c>supervisors.appoint</c>: puts an approved candidate into the pool (聘任), after the appointment conditions
/// (<see cref="SupervisorSeeder.Check"/>) and a check that they have an active 特邀监督员 account. Input: <c>candidate</c>
/// { userName, name, category, regionCode, workUnitCode, declaredRelations, birthDate, education,
/// disqualifyingRecord, termStart, termEnd }. Answers <c>appointed</c> with { termStart, termEnd } or
/// <c>ineligible</c> with { reasons }. The row is written in the step's unit of work.
/// </summary>
public sealed class AppointSupervisorService(WorkflowDbContext db) : IWorkflowService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => "supervisors.appoint";

    public async Task<ServiceResult> InvokeAsync(JsonObject inputs, ServiceCall call, CancellationToken cancellationToken)
    {
        var candidate = inputs["candidate"]?.Deserialize<InvitedSupervisor>(Json) ?? throw new InvalidOperationException($"{Name}: candidate is required");
        if (candidate.TermEnd == default)
        {
            candidate.TermEnd = candidate.TermStart.AddYears(SupervisorSeeder.DefaultTermYears).AddDays(-1);
        }

        var reasons = SupervisorSeeder.Check(candidate).ToList();
        var marker = "," + PickSupervisorService.Role + ",";
        if (!await db.Users.AnyAsync(u => u.UserName == candidate.UserName && u.IsActive && ("," + u.Roles + ",").Contains(marker), cancellationToken))
        {
            reasons.Add($"没有在用的特邀监督员账号 “{candidate.UserName}”");
        }

        if (await db.Supervisors.AnyAsync(s => s.UserName == candidate.UserName, cancellationToken))
        {
            reasons.Add("已在特邀监督员库中");
        }

        if (reasons.Count > 0)
        {
            return new ServiceResult("ineligible", new JsonObject { ["reasons"] = string.Join("；", reasons) }, $"不予聘任：{string.Join("；", reasons)}");
        }

        candidate.Id = Guid.CreateVersion7(call.Now);
        db.Supervisors.Add(candidate);
        var term = new JsonObject
        {
            ["termStart"] = candidate.TermStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["termEnd"] = candidate.TermEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        return new ServiceResult("appointed", term, $"聘任 {candidate.Name}（{candidate.Category}），聘期 {term["termStart"]} 至 {term["termEnd"]}");
    }
}
