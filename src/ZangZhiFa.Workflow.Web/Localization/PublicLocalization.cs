using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace ZangZhiFa.Workflow.Web.Localization;

/// <summary>
/// Chinese (default) and Tibetan (བོད་ཡིག) for the public pages. <c>?lang=zh</c> or <c>?lang=bo</c> on any page
/// switches and remembers the choice in the standard culture cookie, so the switch is a plain link that works
/// without JavaScript. Only the UI culture changes: formatting stays <c>zh-CN</c> so dates, numbers and rendered
/// notices look the same whatever language the page text is in.
/// </summary>
public static class PublicLocalization
{
    public const string QueryParameter = "lang";

    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    public static readonly CultureInfo Tibetan = CultureInfo.GetCultureInfo("bo-CN");

    /// <summary>True when the current request's page text is Tibetan.</summary>
    public static bool IsTibetan => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "bo";

    /// <summary>The <c>lang</c> attribute for the page: <c>zh-CN</c> or <c>bo</c>.</summary>
    public static string HtmlLang => IsTibetan ? "bo" : "zh-CN";

    /// <summary>The language code a complaint records (<c>zh</c> or <c>bo</c>), so replies can follow it.</summary>
    public static string LanguageCode => IsTibetan ? "bo" : "zh";

    public static IServiceCollection AddPublicLocalization(this IServiceCollection services)
    {
        services.AddLocalization();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(Chinese, Chinese);
            options.SupportedCultures = [Chinese];
            options.SupportedUICultures = [Chinese, Tibetan];
            options.RequestCultureProviders =
            [
                new LanguageQueryProvider(),
                new CookieRequestCultureProvider(),
                new AcceptLanguageHeaderRequestCultureProvider(),
            ];
        });
        return services;
    }

    /// <summary>Sets the request's culture and, when <c>?lang=</c> chose it, remembers it in the culture cookie.</summary>
    public static IApplicationBuilder UsePublicLocalization(this IApplicationBuilder app)
    {
        app.UseRequestLocalization();
        return app.Use(async (context, next) =>
        {
            if (context.Features.Get<IRequestCultureFeature>() is { Provider: LanguageQueryProvider } feature)
            {
                context.Response.Cookies.Append(
                    CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(feature.RequestCulture),
                    new CookieOptions
                    {
                        Path = "/",
                        MaxAge = TimeSpan.FromDays(365),
                        HttpOnly = true,
                        SameSite = SameSiteMode.Lax,
                        Secure = context.Request.IsHttps,
                        IsEssential = true,
                    });
            }

            await next(context);
        });
    }

    /// <summary><c>?lang=zh</c> / <c>?lang=bo</c>; anything else is ignored.</summary>
    private sealed class LanguageQueryProvider : RequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            var ui = httpContext.Request.Query[QueryParameter].ToString() switch
            {
                "zh" => Chinese.Name,
                "bo" => Tibetan.Name,
                _ => null,
            };
            return Task.FromResult(ui is null ? null : new ProviderCultureResult(Chinese.Name, ui));
        }
    }
}
