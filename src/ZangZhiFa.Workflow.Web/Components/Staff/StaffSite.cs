using ZangZhiFa.Workflow.Web.Features.Cases;
using ZangZhiFa.Workflow.Web.Features.Tasks;

namespace ZangZhiFa.Workflow.Web.Components.Staff;

/// <summary>
/// Wiring for the staff workspace: sign-in pages, the inbox (<c>/tasks</c>), task and case pages, and the API
/// slices behind them. One call each from <c>Program.cs</c> so the host file stays small.
/// </summary>
public static class StaffSite
{
    public static IServiceCollection AddStaffSite(this IServiceCollection services)
    {
        services.AddScoped<CaseQueries>();
        services.AddScoped<Inbox>();
        services.AddCascadingAuthenticationState();
        return services;
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        HandOverTask.Map(app);
        GetCase.Map(app);
    }
}
