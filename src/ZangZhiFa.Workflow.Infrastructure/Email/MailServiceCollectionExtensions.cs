using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MimeKit;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Infrastructure.Email;

/// <summary>Registration of the mail outbox.</summary>
public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="SmtpOptions"/> to the <c>Smtp</c> section (validated at start-up) and registers the
    /// <see cref="MailKitTransport"/> (scoped) and the <see cref="MailOutboxWorker"/> as a singleton that is also
    /// the hosted service, so the CLI can resolve it and call <see cref="MailOutboxWorker.DeliverDueAsync"/>.
    /// Expects <see cref="WorkflowDbContext"/> to be registered by the persistence set-up.
    /// </summary>
    public static IServiceCollection AddMailOutbox(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MailOutboxSignal>();
        services.TryAddScoped<IMailTransport, MailKitTransport>();
        services.TryAddSingleton<MailOutboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<MailOutboxWorker>());
        return services;
    }
}

/// <summary>Fails start-up on a configuration the worker could only discover mail by mail.</summary>
internal sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add("Smtp:Host is required");
        }

        if (options.Port is < 1 or > 65535)
        {
            errors.Add("Smtp:Port must be 1-65535");
        }

        if (!Enum.TryParse<MailKit.Security.SecureSocketOptions>(options.SecureSocketOptions, ignoreCase: true, out var secure) || !Enum.IsDefined(secure))
        {
            errors.Add($"Smtp:SecureSocketOptions '{options.SecureSocketOptions}' must be one of {string.Join(", ", Enum.GetNames<MailKit.Security.SecureSocketOptions>())}");
        }

        if (!MailboxAddress.TryParse(options.FromAddress, out _))
        {
            errors.Add($"Smtp:FromAddress '{options.FromAddress}' is not an e-mail address");
        }

        if (string.IsNullOrWhiteSpace(options.MessageIdDomain))
        {
            errors.Add("Smtp:MessageIdDomain is required");
        }

        if (options.MaxAttempts < 1)
        {
            errors.Add("Smtp:MaxAttempts must be at least 1");
        }

        if (options.BaseRetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.BaseRetryDelay)
        {
            errors.Add("Smtp:BaseRetryDelay must be positive and not above Smtp:MaxRetryDelay");
        }

        if (options.BatchSize < 1)
        {
            errors.Add("Smtp:BatchSize must be at least 1");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout.TotalMilliseconds > int.MaxValue)
        {
            errors.Add("Smtp:Timeout must be positive");
        }

        if (options.ClaimTimeout <= options.Timeout)
        {
            // A claim shorter than one SMTP command could lapse mid-send and let another worker send the mail too.
            errors.Add("Smtp:ClaimTimeout must be longer than Smtp:Timeout");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
