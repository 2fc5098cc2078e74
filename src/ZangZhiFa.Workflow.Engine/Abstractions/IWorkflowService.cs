using System.Text.Json.Nodes;

namespace ZangZhiFa.Workflow.Engine.Abstractions;

/// <summary>What a domain service learns about the flow that calls it.</summary>
public sealed record ServiceCall(Guid InstanceId, string? CorrelationId, string ActivityId, DateTimeOffset Now);

/// <summary>A service's answer: the outcome the flow follows, the value stored under the activity id, and a line for the journal.</summary>
public sealed record ServiceResult(string Outcome, JsonNode? Value, string Summary);

/// <summary>
/// A domain service a flow calls through the <c>Invoke</c> activity — the few decisions that need data outside the
/// flow (e.g. drawing an invited supervisor from the pool). The host registers them; the engine knows them by name.
/// A service runs inside the step's unit of work and must not commit on its own.
/// </summary>
public interface IWorkflowService
{
    /// <summary>The name a definition uses, e.g. <c>supervisors.pick</c>.</summary>
    string Name { get; }

    Task<ServiceResult> InvokeAsync(JsonObject inputs, ServiceCall call, CancellationToken cancellationToken);
}
