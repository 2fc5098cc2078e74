using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

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
        services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = limits.MaxRequestBytes);
        services.AddSingleton(sp => new AttachmentStore(
            sp.GetRequiredService<IOptions<AttachmentOptions>>(),
            Path.Combine(dataDirectory, sp.GetRequiredService<IOptions<AttachmentOptions>>().Value.Folder),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AttachmentStore>>()));
        return services;
    }
}
