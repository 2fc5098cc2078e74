using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace ZangZhiFa.Workflow.Web.Components.Public;

/// <summary>
/// The case a complainant is looking at, kept for a short while in an encrypted, HTTP-only cookie: it lets the
/// form redirect to the receipt (post/redirect/get) and the tracking page redirect after each action without
/// the query code ever appearing in a URL, a log line or the browser history.
/// </summary>
public sealed class ComplainantSession(IDataProtectionProvider protection, TimeProvider time)
{
    public const string CookieName = "zzf.case";

    /// <summary>How long a receipt or an opened case stays visible without typing the code again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly IDataProtector _protector = protection.CreateProtector("ZangZhiFa.Public.ComplainantSession.v1");

    /// <summary>An opened case; <paramref name="Replayed"/> when a repeated submission returned an earlier complaint.</summary>
    public sealed record Case(string TrackingNumber, string QueryCode, bool Replayed, DateTimeOffset OpenedAt);

    public void Start(HttpContext http, string trackingNumber, string queryCode, bool replayed)
    {
        var payload = JsonSerializer.Serialize(new Case(trackingNumber, queryCode, replayed, time.GetUtcNow()));
        http.Response.Cookies.Append(CookieName, _protector.Protect(payload), Options(http, Lifetime));
    }

    public Case? Read(HttpContext http)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return null;
        }

        Case? found;
        try
        {
            found = JsonSerializer.Deserialize<Case>(_protector.Unprotect(value));
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            // Tampered with, or written with keys this host no longer has: as if there were no cookie.
            return null;
        }

        return found is not null && found.OpenedAt + Lifetime > time.GetUtcNow() ? found : null;
    }

    public void End(HttpContext http) => http.Response.Cookies.Delete(CookieName, Options(http, null));

    private static CookieOptions Options(HttpContext http, TimeSpan? maxAge) => new()
    {
        Path = "/",
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        IsEssential = true,
        MaxAge = maxAge,
    };
}
