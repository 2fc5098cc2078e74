using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace ZangZhiFa.Workflow.Web;

/// <summary>
/// A request an endpoint cannot even bind — a body that is not JSON or has a value of the wrong type, a query value
/// that does not parse — gets a problem-details 400 naming what is wrong, in Chinese. Left to itself ASP.NET answers
/// these with an empty 400, which tells a client nothing (the public complaint API reads its own body and always did).
/// </summary>
public static partial class BadRequestProblems
{
    /// <summary>Makes binding failures throw instead of answering an empty 400, so <see cref="UseBadRequestProblems"/> can word them.</summary>
    public static IServiceCollection AddBadRequestProblems(this IServiceCollection services) =>
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

    public static IApplicationBuilder UseBadRequestProblems(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            // Only the API answers in JSON; a page keeps the framework's answer.
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted && context.Request.Path.StartsWithSegments("/api"))
            {
                context.Response.Clear();
                await Problem(ex).ExecuteAsync(context);
            }
        });

    /// <summary>The 400 for a JSON body that does not read: the field whose value is wrong, or <c>$</c> for the whole body.</summary>
    private static ValidationProblem InvalidJson(JsonException ex)
    {
        // "$.fields.reason" → "fields.reason": the names the validation errors of the same endpoints use.
        var field = ex.Path is { Length: > 2 } path ? path[2..] : "$";
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [field == "$" ? "请求内容不是有效的 JSON" : "格式不正确"] },
            title: "提交内容格式错误");
    }

    /// <summary>
    /// Reads the JSON body of an endpoint that reads its own (it also takes multipart): the value, or the 400 to answer
    /// in the same words as a body binding could not read.
    /// </summary>
    public static async Task<(T? Value, ValidationProblem? Problem)> ReadJsonAsync<T>(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(request.Body, options, cancellationToken) is { } value
                ? (value, null)
                : (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["请求内容为空"] }, title: "提交内容格式错误"));
        }
        catch (JsonException ex)
        {
            return (null, InvalidJson(ex));
        }
    }

    private static IResult Problem(BadHttpRequestException ex)
    {
        if (ex.InnerException is JsonException json)
        {
            return InvalidJson(json);
        }

        // A missing body is the body's problem, not that of the handler's parameter that would have held it.
        if (ex.StatusCode == StatusCodes.Status400BadRequest
            && (ex.Message.Contains("from body", StringComparison.Ordinal) || ex.Message.Contains("no body was provided", StringComparison.Ordinal)))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = ["请求内容为空"] }, title: "提交内容格式错误");
        }

        // The framework's message names the parameter with its .NET type ("Failed to bind parameter \"int? page\" …"):
        // answer with the name only, in the same shape as a field error.
        if (ex.StatusCode == StatusCodes.Status400BadRequest && Parameter().Match(ex.Message) is { Success: true } match)
        {
            var name = match.Groups["name"].Value;
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [name] = [ex.Message.Contains("was not provided", StringComparison.Ordinal) ? "缺少此项" : "格式不正确"] },
                title: "请求内容有误");
        }

        return TypedResults.Problem(title: ex.StatusCode == StatusCodes.Status400BadRequest ? "请求内容有误" : "请求无法处理", statusCode: ex.StatusCode);
    }

    [GeneratedRegex("parameter \"(?:[^\"]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex Parameter();
}
