using ZangZhiFa.Workflow.Infrastructure.Audit;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Web.Cli;

/// <summary><c>--verify-audit</c>: walks the journal's hash chains; exit 0 when intact, 1 naming the first broken line.</summary>
public static class VerifyAuditCommand
{
    public const string Switch = "--verify-audit";

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output)
    {
        await using var scope = services.CreateAsyncScope();
        var verdict = await JournalChain.VerifyAsync(scope.ServiceProvider.GetRequiredService<WorkflowDbContext>(), CancellationToken.None);
        output.WriteLine(verdict.Intact
            ? $"journal intact: {verdict.Checked} line(s) verified"
            : $"journal broken at line {verdict.BrokenAt}: {verdict.Reason}");
        return verdict.Intact ? 0 : 1;
    }
}
