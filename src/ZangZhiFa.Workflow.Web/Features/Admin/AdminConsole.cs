using Microsoft.AspNetCore.Authorization;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// The admin console (管理后台): services and endpoints in one place, so the host wires it with two lines.
/// Everything under <c>/api/admin</c> needs the 管理员 role: 401 without a sign-in, 403 with another role.
/// </summary>
public static class AdminConsole
{
    public const string Policy = "admin";

    public static IServiceCollection AddAdminConsole(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.RequireRole(StaffRoles.Admin));
        services.AddScoped<WorkflowAdmin>();
        services.AddSingleton<WorkflowSandbox>();
        services.AddScoped<NoticeTemplates>();
        services.AddScoped<OrgAdmin>();
        services.AddScoped<CalendarAdmin>();
        services.AddScoped<SupervisorAdmin>();
        services.AddScoped<CatalogueAdmin>();
        return services;
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization(Policy).DisableAntiforgery();
        ListWorkflows.Map(admin);
        GetWorkflowVersion.Map(admin);
        ValidateWorkflow.Map(admin);
        SaveWorkflowDraft.Map(admin);
        PublishWorkflow.Map(admin);
        DiffWorkflow.Map(admin);
        RetireWorkflowVersion.Map(admin);
        TryWorkflow.Map(admin);
        NoticeTemplates.Map(admin);
        OrgAdmin.Map(admin);
        CalendarAdmin.Map(admin);
        SupervisorAdmin.Map(admin);
        CatalogueAdmin.Map(admin);
    }
}
