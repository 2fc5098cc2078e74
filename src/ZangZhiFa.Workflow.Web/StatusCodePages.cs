using System.Net;
using Microsoft.AspNetCore.Diagnostics;

namespace ZangZhiFa.Workflow.Web;

/// <summary>
/// A page answer of 400–599 that would go out without a body — no route matched, an endpoint's bare <c>NotFound()</c>,
/// Blazor refusing a form post that names no known form (in Production it sends an empty <c>text/plain</c> 400) —
/// gets a short Chinese page instead: a browser shows an empty answer as a blank page that explains nothing.
/// The API keeps its answers (problem details, or a bare status a client reads), and so does any answer with a body.
/// </summary>
/// <remarks>
/// Not <c>UseStatusCodePages</c>: it leaves alone every answer that has a content type, and Blazor's empty 400 has one.
/// </remarks>
public static class StatusCodePages
{
    public static IApplicationBuilder UseStatusCodePagesInChinese(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            await next(context);
            if (WantsPage(context))
            {
                await WritePageAsync(context.Response);
            }
        });

    private static bool WantsPage(HttpContext context)
    {
        var response = context.Response;
        var request = context.Request;
        return !response.HasStarted
            // A failure being re-run through UseExceptionHandler("/error") is its business: a page written here would
            // answer the failure as a 404.
            && context.Features.Get<IExceptionHandlerFeature>() is null
            && response.StatusCode is >= 400 and < 600
            && response.ContentLength is null or 0
            && (string.IsNullOrEmpty(response.ContentType) || response.ContentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
            && !HttpMethods.IsHead(request.Method)
            && !request.Path.StartsWithSegments("/api")
            // A script, a stylesheet or a tool that asked for something else gets the bare status it can read.
            && request.Headers.Accept.Any(value => value?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
    }

    private static Task WritePageAsync(HttpResponse response)
    {
        var (title, text) = response.StatusCode switch
        {
            StatusCodes.Status400BadRequest => ("请求无效", "无法处理这个请求：链接或提交的内容不完整或有误。请返回上一页重新操作。"),
            StatusCodes.Status403Forbidden => ("无权访问", "您的账号没有查看此页面的权限。如需使用，请联系本单位的系统管理员。"),
            StatusCodes.Status404NotFound => ("未找到", "您要找的页面或事项不存在，或不在您的办理范围内。"),
            StatusCodes.Status405MethodNotAllowed => ("不支持此操作", "此页面不接受这种请求。请返回上一页重新操作。"),
            >= 500 => ("系统暂时无法处理", $"处理请求时出错（错误代码 {response.StatusCode}）。请稍后再试；如问题持续，请联系系统管理员。"),
            _ => ("无法处理请求", $"无法处理这个请求（错误代码 {response.StatusCode}）。请返回上一页重新操作。"),
        };
        return WriteShortPageAsync(response, response.StatusCode, title, text, ("/tasks", "返回待办事项"), ("/", "返回首页"));
    }

    /// <summary>
    /// A failure nothing caught (a bug, a lost database): problem details under <c>/api</c>, the short page elsewhere,
    /// both in Chinese and without the exception's text, which the log has. Replaces a re-run to an <c>/error</c> page,
    /// which this site never had — every such failure went out as an empty 500.
    /// </summary>
    public static IApplicationBuilder UseExceptionAnswersInChinese(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async context =>
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = context,
                        // Titled by the site's one rule for untitled problems (BadRequestProblems.ChineseTitle).
                        ProblemDetails = { Status = StatusCodes.Status500InternalServerError },
                    });
                    return;
                }

                await WritePageAsync(context.Response);
            },
        });

    /// <summary>
    /// The one layout of the site's short answers (未找到, 无权访问, 页面已失效, 系统暂时无法处理): written without Blazor,
    /// so it also serves where no component renders — a refused form post, a failed request, a redirect's target.
    /// </summary>
    public static Task WriteShortPageAsync(HttpResponse response, int status, string title, string text, params (string Href, string Label)[] links)
    {
        response.StatusCode = status;
        response.ContentLength = null;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        var nav = string.Join(" · ", links.Select(l => $"<a href=\"{WebUtility.HtmlEncode(l.Href)}\">{WebUtility.HtmlEncode(l.Label)}</a>"));
        return response.WriteAsync(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{WebUtility.HtmlEncode(title)}</title></head><body><main><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p>" +
            $"<p>{nav}</p></main></body></html>");
    }
}
