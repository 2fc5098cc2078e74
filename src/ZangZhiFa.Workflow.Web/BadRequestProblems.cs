using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace ZangZhiFa.Workflow.Web;

/// <summary>
/// A request an endpoint cannot even bind — a body that is not JSON or has a value of the wrong type, a query value
/// that does not parse — gets a problem-details 400 naming what is wrong, in Chinese. Left to itself ASP.NET answers
/// these with an empty 400, which tells a client nothing (the public complaint API reads its own body and always did).
/// A body that names a property twice is refused the same way: which of the two values counts is a guess nobody
/// should have to make, and a form's <c>fields</c> object read with a repeated name failed later as a 500.
/// </summary>
public static partial class BadRequestProblems
{
    /// <summary>The title ASP.NET gives a validation problem that names none; every answer of this site is in Chinese.</summary>
    private static readonly string EnglishValidationTitle = new HttpValidationProblemDetails().Title!;

    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> Strict = [];

    /// <summary>
    /// Makes binding failures throw instead of answering an empty 400, so <see cref="UseBadRequestProblems"/> can word
    /// them; refuses repeated property names in every JSON body the endpoints bind; and titles in Chinese a problem an
    /// endpoint left without a title of its own.
    /// </summary>
    public static IServiceCollection AddBadRequestProblems(this IServiceCollection services)
    {
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options => RefuseDuplicates(options.SerializerOptions));
        services.Configure<ProblemDetailsOptions>(options =>
        {
            var earlier = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                earlier?.Invoke(context);
                context.ProblemDetails.Title = ChineseTitle(context.ProblemDetails);
            };
        });
        return services;
    }

    /// <summary>
    /// The title to answer with: the endpoint's own, or for one left with ASP.NET's English default (a validation
    /// problem without a title, or the status code's reason phrase) a Chinese one.
    /// </summary>
    public static string? ChineseTitle(Microsoft.AspNetCore.Mvc.ProblemDetails problem)
    {
        if (problem.Title == EnglishValidationTitle)
        {
            return "提交内容有误，请按提示修改";
        }

        // The defaults: the reason phrase, and for a 500 a sentence of its own.
        if (problem.Status is not { } status
            || (problem.Title != ReasonPhrases.GetReasonPhrase(status) && problem.Title != "An error occurred while processing your request."))
        {
            return problem.Title;
        }

        return status switch
        {
            StatusCodes.Status400BadRequest => "请求内容有误",
            StatusCodes.Status401Unauthorized => "请先登录",
            StatusCodes.Status403Forbidden => "无权执行此操作",
            StatusCodes.Status404NotFound => "未找到",
            StatusCodes.Status405MethodNotAllowed => "不支持此操作",
            StatusCodes.Status409Conflict => "操作冲突，请刷新后重试",
            StatusCodes.Status413PayloadTooLarge => "提交内容过大",
            StatusCodes.Status415UnsupportedMediaType => "不支持的提交格式",
            StatusCodes.Status422UnprocessableEntity => "请求无法处理",
            StatusCodes.Status429TooManyRequests => "请求过于频繁，请稍后再试",
            >= 500 => "服务器内部错误，请稍后再试",
            _ => "请求无法处理",
        };
    }

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
        var duplicate = ex is DuplicatePropertyException || ex.Message.StartsWith("Duplicate propert", StringComparison.Ordinal);
        if (ex is DuplicatePropertyException inner)
        {
            field = field == "$" ? inner.RelativePath.TrimStart('.') : field + inner.RelativePath;
        }

        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [duplicate ? "字段重复" : field == "$" ? "请求内容不是有效的 JSON" : "格式不正确"] },
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
            var strict = Strict.GetValue(options, static given => RefuseDuplicates(new JsonSerializerOptions(given)));
            return await JsonSerializer.DeserializeAsync<T>(request.Body, strict, cancellationToken) is { } value
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

    private static JsonSerializerOptions RefuseDuplicates(JsonSerializerOptions options)
    {
        options.AllowDuplicateProperties = false;
        options.Converters.Insert(0, new StrictNodeConverter());
        return options;
    }

    /// <summary>A property named twice in a JSON body; <see cref="RelativePath"/> is where, below the value being read.</summary>
    private sealed class DuplicatePropertyException(string relativePath) : JsonException($"Duplicate property at {relativePath}")
    {
        public string RelativePath { get; } = relativePath;
    }

    /// <summary>
    /// Reads <see cref="JsonNode"/>, <see cref="JsonObject"/> and <see cref="JsonArray"/> values refusing a repeated
    /// property name. System.Text.Json's own reader accepts one and throws an <see cref="ArgumentException"/> at the first
    /// look inside (with <c>AllowDuplicateProperties = false</c> it throws that at once), which binding does not
    /// turn into a 400.
    /// </summary>
    private sealed class StrictNodeConverter : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert == typeof(JsonNode) || typeToConvert == typeof(JsonObject) || typeToConvert == typeof(JsonArray);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            typeToConvert == typeof(JsonObject) ? new Converter<JsonObject>()
            : typeToConvert == typeof(JsonArray) ? new Converter<JsonArray>()
            : new Converter<JsonNode>();

        private sealed class Converter<T> : JsonConverter<T>
            where T : JsonNode
        {
            public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                var element = JsonElement.ParseValue(ref reader);
                Check(element, "");
                JsonNode? node = element.ValueKind switch
                {
                    JsonValueKind.Object => JsonObject.Create(element),
                    JsonValueKind.Array => JsonArray.Create(element),
                    _ => JsonValue.Create(element),
                };
                // A value of the wrong kind ("fields": "理由") stays the JsonException binding words as 格式不正确.
                return node as T ?? throw new JsonException($"Expected {typeof(T).Name}");
            }

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => value.WriteTo(writer, options);

            private static void Check(JsonElement element, string path)
            {
                if (element.ValueKind == JsonValueKind.Object)
                {
                    // Ordinal, as JsonObject looks its properties up.
                    var seen = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var property in element.EnumerateObject())
                    {
                        var at = path + "." + property.Name;
                        if (!seen.Add(property.Name))
                        {
                            throw new DuplicatePropertyException(at);
                        }

                        Check(property.Value, at);
                    }
                }
                else if (element.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        Check(item, $"{path}[{index++}]");
                    }
                }
            }
        }
    }

    [GeneratedRegex("parameter \"(?:[^\"]* )?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial Regex Parameter();
}
