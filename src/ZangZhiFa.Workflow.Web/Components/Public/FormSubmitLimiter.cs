using System.Threading.RateLimiting;
using ZangZhiFa.Workflow.Web.Features;
using ZangZhiFa.Workflow.Web.Features.Complaints;

namespace ZangZhiFa.Workflow.Web.Components.Public;

/// <summary>
/// Per-address limit on complaint submissions through the web form, with the same allowance as the API
/// (<c>RateLimits:SubmissionsPerMinute</c>). The page checks it itself so a refused visitor gets the form back
/// with a message in their language instead of a bare problem document.
/// </summary>
public sealed class FormSubmitLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public FormSubmitLimiter(IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("RateLimits:SubmissionsPerMinute", 10);
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(
            client,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    /// <summary>Takes one submission from the address's allowance; a refusal also tells the visitor when to come back (<c>Retry-After</c>).</summary>
    public bool TryAcquire(HttpContext http)
    {
        using var lease = _limiter.AttemptAcquire(LookupGuard.ClientOf(http));
        if (!lease.IsAcquired && lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
        {
            RateLimits.SetRetryAfter(http.Response, wait);
        }

        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
