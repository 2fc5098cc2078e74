using System.Diagnostics.CodeAnalysis;

namespace ZangZhiFa.Workflow.Web.Features.Auth;

/// <summary>
/// The one password rule: a user's own change (<see cref="Login"/>) and an admin's create or reset (OrgAdmin) both
/// check it.
/// </summary>
public static class PasswordRule
{
    public const string Message = "密码至少 10 位，须同时包含字母和数字";

    public static bool IsStrong([NotNullWhen(true)] string? password) =>
        password is { Length: >= 10 } && password.Any(char.IsDigit) && password.Any(char.IsLetter);
}
