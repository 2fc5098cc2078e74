using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace ZangZhiFa.Workflow.Web.Features;

/// <summary>Per-address limits on the public endpoints (configuration <c>RateLimits:*</c>).</summary>
public static class RateLimits
{
    public const string SubmitPolicy = "complaint-submit";

    public static IServiceCollection AddPublicRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("RateLimits:SubmissionsPerMinute", 10);
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    SetRetryAfter(context.HttpContext.Response, retryAfter);
                }

                var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails = { Title = "提交过于频繁，请稍后再试", Status = StatusCodes.Status429TooManyRequests },
                });
            };
            options.AddPolicy(SubmitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "local",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
    }

    /// <summary>Says when to come back (<c>Retry-After</c>, whole seconds, at least one), so a client need not guess.</summary>
    public static void SetRetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
