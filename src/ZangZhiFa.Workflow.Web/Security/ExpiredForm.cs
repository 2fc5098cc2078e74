using Microsoft.AspNetCore.Antiforgery;

namespace ZangZhiFa.Workflow.Web.Security;

/// <summary>
/// Marks a page that answers a post whose antiforgery check failed by itself: it shows the form again with what
/// was typed and says the page expired, and acts on nothing (each of its submit handlers asks
/// <see cref="ExpiredForm.IsExpired"/> first).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KeepsExpiredFormAttribute : Attribute;

/// <summary>
/// What a form post with a missing or stale antiforgery token gets. Blazor's own answer is an empty 400, which loses
/// whatever the visitor typed — a complainant who left the form open until the cookie went (browser restarted,
/// cookies cleared, the page opened in another profile) or a clerk who signed in again in another tab. Pages marked
/// <see cref="KeepsExpiredFormAttribute"/> receive the post as valid, flagged, and show it again; every other page
/// gets a short 400 page saying to reload. The check is not weakened: nothing is acted on without a valid token.
/// </summary>
public static class ExpiredForm
{
    private static readonly object Flag = new();

    /// <summary>True when this post's antiforgery token failed: show the form again, do nothing else.</summary>
    public static bool IsExpired(HttpContext context) => context.Items.ContainsKey(Flag);

    /// <summary>Goes right after <c>UseAntiforgery</c>, whose verdict it reads.</summary>
    public static IApplicationBuilder UseExpiredFormPages(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }
            && HttpMethods.IsPost(context.Request.Method)
            && !context.Request.Path.StartsWithSegments("/api"))
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<KeepsExpiredFormAttribute>() is null)
            {
                await WritePageAsync(context);
                return;
            }

            context.Items[Flag] = true;
            context.Features.Set<IAntiforgeryValidationFeature>(Handled.Instance);
        }

        await next(context);
    });

    private static Task WritePageAsync(HttpContext context) =>
        StatusCodePages.WriteShortPageAsync(context.Response, StatusCodes.Status400BadRequest, "页面已失效",
            "这个页面打开太久或已在其他窗口重新登录，安全校验未通过，刚才的操作没有执行。请重新打开页面后再试。",
            (context.Request.Path.HasValue ? context.Request.Path.Value! : "/", "重新打开此页面"), ("/tasks", "返回待办事项"));

    /// <summary>The verdict the page sees: let the form bind; the page itself refuses to act.</summary>
    private sealed class Handled : IAntiforgeryValidationFeature
    {
        public static readonly Handled Instance = new();

        public bool IsValid => true;

        public Exception? Error => null;
    }
}
