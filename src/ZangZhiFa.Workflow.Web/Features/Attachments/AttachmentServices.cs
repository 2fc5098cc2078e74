using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using ZangZhiFa.Workflow.Web.Localization;

namespace ZangZhiFa.Workflow.Web.Features.Attachments;

public static class AttachmentServices
{
    /// <summary>
    /// Registers the attachment store under <paramref name="dataDirectory"/> and raises the request limits
    /// (Kestrel's default is 30 MB) to <see cref="AttachmentOptions.MaxRequestBytes"/>, so five full-size files fit
    /// and anything larger is refused while it is still being read.
    /// </summary>
    public static IServiceCollection AddComplaintAttachments(this IServiceCollection services, IConfiguration configuration, IWebHostBuilder webHost, string dataDirectory)
    {
        var section = configuration.GetSection(AttachmentOptions.Section);
        var limits = section.Get<AttachmentOptions>() ?? new AttachmentOptions();
        services.AddOptions<AttachmentOptions>().Bind(section)
            .Validate(o => o.IsValid, "Attachments: MaxFiles, MaxFileBytes, MaxRequestBytes (≥ MaxFileBytes), MaxFileNameLength (≥ 16) and StaleTempAge must be set")
            .ValidateOnStart();
        webHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBytes);
        // Per part, not per request: a single part that large can only be an over-size request anyway; one file over
        // MaxFileBytes but under this is read and then refused with a field message (400), not a bare 413.
        services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = limits.MaxRequestBytes);
        services.AddSingleton(sp => new AttachmentStore(
            sp.GetRequiredService<IOptions<AttachmentOptions>>(),
            Path.Combine(dataDirectory, sp.GetRequiredService<IOptions<AttachmentOptions>>().Value.Folder),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AttachmentStore>>()));
        return services;
    }

    /// <summary>
    /// Answers 413 to any request that declares a body over <see cref="AttachmentOptions.MaxRequestBytes"/> before
    /// anything reads it: problem details for the API, a short page in the visitor's language for the form (which
    /// otherwise would fail inside form binding). Runs after the culture is chosen.
    /// </summary>
    public static IApplicationBuilder UseAttachmentRequestLimit(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<AttachmentOptions>>().Value;
            if (!(context.Request.ContentLength > options.MaxRequestBytes))
            {
                await next(context);
                return;
            }

            if (context.Request.Path.StartsWithSegments("/api"))
            {
                await ComplaintUpload.TooLarge(options).ExecuteAsync(context);
                return;
            }

            var text = context.RequestServices.GetRequiredService<IStringLocalizer<PublicText>>();
            var message = HtmlEncoder.Default.Encode(string.Format(System.Globalization.CultureInfo.InvariantCulture, text["Form.TooLarge"], options.MaxRequestMegabytes, options.MaxFileMegabytes, options.MaxFiles));
            var back = HtmlEncoder.Default.Encode(text["Form.TooLarge.Back"]);
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>413</title></head><body><p role=\"alert\">{message}</p><p><a href=\"/\">{back}</a></p></body></html>");
        });
}
