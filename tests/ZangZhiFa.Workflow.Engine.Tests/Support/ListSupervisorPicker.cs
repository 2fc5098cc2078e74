using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Abstractions;

namespace ZangZhiFa.Workflow.Engine.Tests.Support;

/// <summary>
/// <c>supervisors.pick</c> for flow tests: the first listed supervisor not excluded, so a test knows whom the flow
/// invites. The real draw (weighted random over the database pool) is tested in Infrastructure and Web.
/// </summary>
public sealed class ListSupervisorPicker(params string[] userNames) : IWorkflowService
{
    public string Name => "supervisors.pick";

    public Task<ServiceResult> InvokeAsync(JsonObject inputs, ServiceCall call, CancellationToken cancellationToken)
    {
        var excluded = inputs["exclude"] is JsonArray list ? list.Select(n => n?.GetValue<string>()).ToHashSet() : [];
        var next = userNames.FirstOrDefault(n => !excluded.Contains(n));
        return Task.FromResult(next is null
            ? new ServiceResult("none", null, "无可选的特邀监督员")
            : new ServiceResult("selected", new JsonObject { ["userName"] = next, ["name"] = next, ["category"] = "律师" }, $"抽取特邀监督员：{next}"));
    }
}
