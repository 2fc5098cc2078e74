using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using ZangZhiFa.Workflow.Infrastructure;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web;
using ZangZhiFa.Workflow.Web.Cli;
using ZangZhiFa.Workflow.Web.Components;
using ZangZhiFa.Workflow.Web.Components.Public;
using ZangZhiFa.Workflow.Web.Components.Staff;
using ZangZhiFa.Workflow.Web.Features;
using ZangZhiFa.Workflow.Web.Features.Attachments;
using ZangZhiFa.Workflow.Web.Features.Admin;
using ZangZhiFa.Workflow.Web.Features.Auth;
using ZangZhiFa.Workflow.Web.Features.Tasks;
using ZangZhiFa.Workflow.Web.Security;
using ZangZhiFa.Workflow.Web.Features.Complaints;
using ZangZhiFa.Workflow.Web.Features.Accountability;
using ZangZhiFa.Workflow.Web.Features.LegalReviews;
using ZangZhiFa.Workflow.Web.Features.OrgUnits;
using ZangZhiFa.Workflow.Web.Features.SupervisionDocuments;
using ZangZhiFa.Workflow.Web.Features.Supervisors;
using ZangZhiFa.Workflow.Web.Localization;

if (args is ["validate", ..])
{
    return ValidateCommand.Run(args[1..], Console.Out);
}

var verifyAudit = args.Contains(VerifyAuditCommand.Switch);
var builder = WebApplication.CreateBuilder(args.Where(a => a != VerifyAuditCommand.Switch).ToArray());
// Serve the CSS and scripts from the build output in every environment, not only Development: started from `bin/`
// as Production, the pages came without styles and the designer without its script (empty 200s). A published app
// has no such manifest and serves wwwroot as usual.
builder.WebHost.UseStaticWebAssets();
if (!builder.Environment.IsDevelopment())
{
    builder.Logging.ClearProviders().AddJsonConsole();
}

builder.Services.AddWorkflowInfrastructure(builder.Configuration, builder.Environment.ContentRootPath);
var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
// Query codes are encrypted with these keys; they live with the data so a restart can still read them.
builder.Services.AddDataProtection()
    .SetApplicationName("ZangZhiFa.Workflow")
    .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(storage.ResolveDataDirectory(builder.Environment.ContentRootPath), "keys")));
builder.Services.AddPublicRateLimits(builder.Configuration);
builder.Services.AddComplaintAttachments(builder.Configuration, builder.WebHost, storage.ResolveDataDirectory(builder.Environment.ContentRootPath));
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.Cookie.Name = "zzf.staff";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.LoginPath = "/login";
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
        options.SlidingExpiration = true;
        // An API caller gets a status code, not a redirect to a login page.
        options.Events.OnRedirectToLogin = context => ApiOr(context, StatusCodes.Status401Unauthorized);
        // A signed-in user on a page their role does not open gets a page that says so (there is no
        // /Account/AccessDenied: the redirect ended in an empty 404).
        options.Events.OnRedirectToAccessDenied = context => context.Request.Path.StartsWithSegments("/api")
            ? ApiOr(context, StatusCodes.Status403Forbidden)
            : AccessDeniedPageAsync(context.HttpContext);
        // A locked account's cookie stops working within a minute, not when it expires.
        options.Events.OnValidatePrincipal = ActiveAccountCheck.ValidatePrincipalAsync;
    });
builder.Services.AddAuthorization();
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<StaffUserContext>();
builder.Services.AddSingleton<IPasswordHasher<StaffUser>, PasswordHasher<StaffUser>>();
builder.Services.AddSingleton<LookupGuard>();
builder.Services.AddScoped<ComplaintAccess>();
builder.Services.AddScoped<SubmitComplaint.Handler>();
builder.Services.AddScoped<TrackComplaint.Handler>();
builder.Services.AddScoped<ComplainantSignals>();
builder.Services.AddScoped<RateComplaint.Handler>();
builder.Services.AddScoped<SupplementComplaint.Handler>();
builder.Services.AddScoped<SubmitLegalReview.Handler>();
builder.Services.AddScoped<OpenAccountabilityCase.Handler>();
builder.Services.AddScoped<IssueSupervisionDocument.Handler>();
builder.Services.AddScoped<AppointSupervisor.Handler>();
builder.Services.AddPublicSite();
builder.Services.AddStaffSite();
builder.Services.AddAdminConsole();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddProblemDetails();
builder.Services.AddBadRequestProblems();

var app = builder.Build();
if (verifyAudit)
{
    return await VerifyAuditCommand.RunAsync(app.Services, Console.Out);
}

var demoPassword = app.Configuration["Demo:Password"] ?? "Demo#2026";
var hasher = app.Services.GetRequiredService<IPasswordHasher<StaffUser>>();
await app.Services.InitializeWorkflowAsync(app.Configuration, user => hasher.HashPassword(user, demoPassword), app.Lifetime.ApplicationStopping);
app.Services.GetRequiredService<AttachmentStore>().SweepStaleTempFiles();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionAnswersInChinese();
}

app.UseBadRequestProblems();
app.UseStatusCodePagesInChinese();

app.UsePublicLocalization();
app.UseAttachmentRequestLimit();
app.UseRateLimiter();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.UseExpiredFormPages();
app.MapStaticAssets();
app.MapHealthEndpoint();
ListOrgUnits.Map(app);
SubmitComplaint.Map(app);
TrackComplaint.Map(app);
RateComplaint.Map(app);
SupplementComplaint.Map(app);
Login.Map(app);
ListTasks.Map(app);
ClaimTask.Map(app);
CompleteTask.Map(app);
SubmitLegalReview.Map(app);
LegalReviewFiles.Map(app);
OpenAccountabilityCase.Map(app);
IssueSupervisionDocument.Map(app);
AppointSupervisor.Map(app);
CaseAttachments.Map(app);
ZangZhiFa.Workflow.Web.Features.Audit.VerifyAudit.Map(app);
PublicSite.Map(app);
StaffSite.Map(app);
AdminConsole.Map(app);
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();
return 0;

static Task ApiOr(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
{
    if (context.Request.Path.StartsWithSegments("/api"))
    {
        context.Response.StatusCode = status;
    }
    else
    {
        context.Response.Redirect(context.RedirectUri);
    }

    return Task.CompletedTask;
}

static Task AccessDeniedPageAsync(HttpContext context) =>
    StatusCodePages.WriteShortPageAsync(context.Response, StatusCodes.Status403Forbidden, "无权访问", "您的账号没有查看此页面的权限。如需使用，请联系本单位的系统管理员。",
        ("/tasks", "返回待办事项"), ("/logout", "换个账号登录"));

/// <summary>Entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
