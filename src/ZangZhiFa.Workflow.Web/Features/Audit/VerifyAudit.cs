using ZangZhiFa.Workflow.Infrastructure.Audit;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Audit;

/// <summary><c>GET /api/audit/verify</c> (管理员 only): walks the journal's hash chains and reports the first broken line.</summary>
public static class VerifyAudit
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/audit/verify", async (WorkflowDbContext db, CancellationToken cancellationToken) =>
                TypedResults.Ok(await JournalChain.VerifyAsync(db, cancellationToken)))
            .RequireAuthorization(policy => policy.RequireRole(StaffRoles.Admin));
}
