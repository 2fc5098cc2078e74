using Microsoft.AspNetCore.Http.HttpResults;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// <c>PUT /api/admin/workflows/{id}/draft</c> with a definition as the body: replaces the flow's draft. A draft may
/// fail validation (it is work in progress) but must parse; 400 with the parse error otherwise. Journaled.
/// </summary>
public static class SaveWorkflowDraft
{
    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapPut("/workflows/{id}/draft", async Task<Results<NoContent, ProblemHttpResult>> (string id, HttpRequest request, WorkflowAdmin workflows, StaffUserContext user, CancellationToken cancellationToken) =>
        {
            var result = await workflows.SaveDraftAsync(id, await ValidateWorkflow.ReadBodyAsync(request), user.UserName, cancellationToken);
            return result.Succeeded ? TypedResults.NoContent() : PublishWorkflow.Refused("草稿无法保存", result.Errors);
        });
}
