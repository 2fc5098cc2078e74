using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// The 试运行 (Try it) API over <see cref="WorkflowSandbox"/>, used by tests and tools; the page calls the sandbox directly.
/// <list type="bullet">
/// <item><c>GET /api/admin/workflows/{id}/sandbox/sample[?version=n|draft=true]</c>: the pre-filled start inputs;</item>
/// <item><c>POST /api/admin/workflows/{id}/sandbox</c> <c>{ version?, draft?, inputs }</c>: 201 with the run's state
///   (a draft that fails validation: 400 with the validator's errors; an input the flow does not declare: 400 naming
///   <c>inputs.{name}</c>);</item>
/// <item><c>GET /api/admin/sandbox/{session}</c>, <c>DELETE …</c>;</item>
/// <item><c>POST /api/admin/sandbox/{session}/tasks/{taskId}/complete</c> <c>{ outcome, fields, comment }</c>;</item>
/// <item><c>POST /api/admin/sandbox/{session}/advance</c> <c>{ workingDays | days, hours | toNextTimer }</c> (400 naming
///   the field when it would not move the clock forward);</item>
/// <item><c>POST /api/admin/sandbox/{session}/signals/{name}</c> with the payload as the body (409 listing the signals
///   waited for when nothing waits for this one).</item>
/// </list>
/// </summary>
public static class TryWorkflow
{
    public sealed record StartRequest(int? Version, bool Draft, JsonObject? Inputs);

    public sealed record CompleteRequest(string Outcome, JsonObject? Fields, string? Comment);

    /// <summary>The definition a run is about: a published version (the latest by default) or the draft, checked by the validator.</summary>
    public static async Task<(WorkflowDefinition? Definition, string Label, IReadOnlyList<DefinitionError> Errors)> ResolveAsync(
        WorkflowAdmin workflows, DefinitionCatalog catalog, string id, int? version, bool draft, CancellationToken cancellationToken)
    {
        if (draft)
        {
            var json = await workflows.DraftAsync(id, cancellationToken);
            if (json is null)
            {
                return (null, "草稿", []);
            }

            var parsed = workflows.Check(id, json);
            return (parsed.Errors.Count == 0 ? parsed.Definition : null, "草稿", parsed.Errors);
        }

        var definition = version is { } n ? catalog.Find(id, n) : catalog.FindLatest(id);
        return (definition, definition is null ? "" : $"v{definition.Version}", []);
    }

    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/workflows/{id}/sandbox/sample", async Task<Results<Ok<JsonObject>, NotFound, ProblemHttpResult>> (
            string id, int? version, bool? draft, WorkflowAdmin workflows, DefinitionCatalog catalog, WorkflowSandbox sandbox, CancellationToken cancellationToken) =>
        {
            var (definition, _, errors) = await ResolveAsync(workflows, catalog, id, version, draft == true, cancellationToken);
            if (errors.Count > 0)
            {
                return PublishWorkflow.Refused("草稿校验未通过，不能试运行", errors);
            }

            return definition is null ? TypedResults.NotFound() : TypedResults.Ok(sandbox.SampleInputs(definition));
        });

        admin.MapPost("/workflows/{id}/sandbox", async Task<Results<Created<SandboxState>, NotFound, ValidationProblem, ProblemHttpResult>> (
            string id, StartRequest request, WorkflowAdmin workflows, DefinitionCatalog catalog, WorkflowSandbox sandbox, StaffUserContext user, CancellationToken cancellationToken) =>
        {
            var (definition, label, errors) = await ResolveAsync(workflows, catalog, id, request.Version, request.Draft, cancellationToken);
            if (errors.Count > 0)
            {
                return PublishWorkflow.Refused("草稿校验未通过，不能试运行", errors);
            }

            if (definition is null)
            {
                return TypedResults.NotFound();
            }

            try
            {
                var state = await sandbox.StartAsync(definition, label, request.Inputs ?? sandbox.SampleInputs(definition), user.UserName, cancellationToken);
                return TypedResults.Created($"/api/admin/sandbox/{state.SessionId}", state);
            }
            catch (SandboxInputException ex)
            {
                return Invalid(ex);
            }
            catch (SandboxException ex)
            {
                return TypedResults.Problem(title: ex.Message, statusCode: StatusCodes.Status400BadRequest);
            }
        });

        admin.MapGet("/sandbox/{session:guid}", Results<Ok<SandboxState>, NotFound> (Guid session, WorkflowSandbox sandbox) =>
            sandbox.Find(session) is { } state ? TypedResults.Ok(state) : TypedResults.NotFound());

        admin.MapDelete("/sandbox/{session:guid}", (Guid session, WorkflowSandbox sandbox) =>
        {
            sandbox.Discard(session);
            return TypedResults.NoContent();
        });

        admin.MapPost("/sandbox/{session:guid}/tasks/{taskId:guid}/complete", (Guid session, Guid taskId, CompleteRequest request, WorkflowSandbox sandbox, CancellationToken cancellationToken) =>
            Run(() => sandbox.CompleteAsync(session, taskId, request.Outcome, request.Fields, request.Comment, cancellationToken)));

        admin.MapPost("/sandbox/{session:guid}/advance", (Guid session, SandboxAdvance request, WorkflowSandbox sandbox, CancellationToken cancellationToken) =>
            Run(() => sandbox.AdvanceAsync(session, request, cancellationToken)));

        admin.MapPost("/sandbox/{session:guid}/signals/{name}", (Guid session, string name, JsonObject? payload, WorkflowSandbox sandbox, CancellationToken cancellationToken) =>
            Run(() => sandbox.SignalAsync(session, name, payload, cancellationToken)));
    }

    private static async Task<Results<Ok<SandboxState>, NotFound, ValidationProblem, ProblemHttpResult>> Run(Func<Task<SandboxState>> work)
    {
        try
        {
            return TypedResults.Ok(await work());
        }
        catch (WorkflowNotFoundException)
        {
            return TypedResults.NotFound();
        }
        catch (TaskInputException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors.ToDictionary(e => e.Key, e => e.Value), title: "任务提交内容有误");
        }
        catch (SandboxInputException ex)
        {
            return Invalid(ex);
        }
        catch (SandboxSignalNotWaitingException ex)
        {
            return TypedResults.Problem(
                title: $"没有等待信号 “{ex.Signal}” 的路径",
                detail: ex.Message,
                statusCode: StatusCodes.Status409Conflict,
                extensions: new Dictionary<string, object?> { ["waitingSignals"] = ex.Waiting });
        }
        catch (Exception ex) when (ex is TaskNotOpenException or SandboxException)
        {
            return TypedResults.Problem(title: ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static ValidationProblem Invalid(SandboxInputException ex) =>
        TypedResults.ValidationProblem(ex.Errors.ToDictionary(e => e.Key, e => e.Value), title: ex.Title);
}
