using Microsoft.AspNetCore.DataProtection;
using ZangZhiFa.Workflow.Infrastructure;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web;
using ZangZhiFa.Workflow.Web.Cli;
using ZangZhiFa.Workflow.Web.Components;
using ZangZhiFa.Workflow.Web.Features;
using ZangZhiFa.Workflow.Web.Features.Complaints;
using ZangZhiFa.Workflow.Web.Features.OrgUnits;

if (args is ["validate", ..])
{
    return ValidateCommand.Run(args[1..], Console.Out);
}

var verifyAudit = args.Contains(VerifyAuditCommand.Switch);
var builder = WebApplication.CreateBuilder(args.Where(a => a != VerifyAuditCommand.Switch).ToArray());
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
builder.Services.AddSingleton<LookupGuard>();
builder.Services.AddScoped<ComplaintAccess>();
builder.Services.AddScoped<SubmitComplaint.Handler>();
builder.Services.AddScoped<TrackComplaint.Handler>();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddProblemDetails();
// Chinese and Tibetan stay readable in the page source; only markup-significant characters are encoded.
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
    options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));

var app = builder.Build();
if (verifyAudit)
{
    return await VerifyAuditCommand.RunAsync(app.Services, Console.Out);
}

await app.Services.InitializeWorkflowAsync(app.Configuration, app.Lifetime.ApplicationStopping);

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseRateLimiter();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapHealthEndpoint();
ListOrgUnits.Map(app);
SubmitComplaint.Map(app);
TrackComplaint.Map(app);
RateComplaint.Map(app);
SupplementComplaint.Map(app);
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
