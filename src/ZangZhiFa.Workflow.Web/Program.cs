using ZangZhiFa.Workflow.Infrastructure;
using ZangZhiFa.Workflow.Web;
using ZangZhiFa.Workflow.Web.Cli;
using ZangZhiFa.Workflow.Web.Components;

if (args is ["validate", ..])
{
    return ValidateCommand.Run(args[1..], Console.Out);
}

var builder = WebApplication.CreateBuilder(args);
if (!builder.Environment.IsDevelopment())
{
    builder.Logging.ClearProviders().AddJsonConsole();
}

builder.Services.AddWorkflowInfrastructure(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddProblemDetails();
// Chinese and Tibetan stay readable in the page source; only markup-significant characters are encoded.
builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
    options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));

var app = builder.Build();
await app.Services.InitializeWorkflowAsync(app.Configuration, app.Lifetime.ApplicationStopping);

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseAntiforgery();
app.MapStaticAssets();
app.MapHealthEndpoint();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();
return 0;

/// <summary>Entry point, visible to <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
