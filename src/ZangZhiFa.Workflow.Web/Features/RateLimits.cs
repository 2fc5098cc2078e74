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
                // Says when to try again, so a client (or another system) need not guess.
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
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
}
