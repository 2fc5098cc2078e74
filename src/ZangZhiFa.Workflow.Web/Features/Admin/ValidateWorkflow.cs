using Microsoft.AspNetCore.Http.HttpResults;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// <c>POST /api/admin/workflows/{id}/validate</c> with a definition as the body: the engine validator's findings
/// (activity, connection, property, message, and the line the <c>validate</c> command would print). Always 200;
/// an empty list means the definition could be published.
/// </summary>
public static class ValidateWorkflow
{
    public sealed record Response(bool Valid, IReadOnlyList<DefinitionError> Errors);

    public static void Map(IEndpointRouteBuilder admin) =>
        admin.MapPost("/workflows/{id}/validate", async Task<Ok<Response>> (string id, HttpRequest request, WorkflowAdmin workflows) =>
        {
            var errors = workflows.Check(id, await ReadBodyAsync(request)).Errors;
            return TypedResults.Ok(new Response(errors.Count == 0, errors));
        });

    /// <summary>The raw body: the definition is parsed by the engine's serializer, which reports line and position.</summary>
    internal static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }
}
