using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Localization;
using ZangZhiFa.Workflow.Web.Localization;

namespace ZangZhiFa.Workflow.Web.Components.Public;

/// <summary>Shows a handler's field errors on a form: in the page's language, and marked on the fields themselves.</summary>
public static class FormErrors
{
    /// <summary>
    /// Translates the handler's messages (Chinese, keyed by API field name) and records them on
    /// <paramref name="form"/>, so the input components render <c>aria-invalid</c> and their invalid class.
    /// API field names are the camelCase of the form model's property names.
    /// </summary>
    /// <returns>Field → message in the page's language, for the error summary and the field messages; null when there are none.</returns>
    public static Dictionary<string, string>? Show(Dictionary<string, string[]>? errors, IStringLocalizer<ValidationText> localizer, EditContext form)
    {
        if (errors is not { Count: > 0 })
        {
            return null;
        }

        var shown = errors.ToDictionary(e => e.Key, e => localizer[e.Value[0]].Value, StringComparer.Ordinal);
        var store = new ValidationMessageStore(form);
        foreach (var (field, message) in shown)
        {
            store.Add(form.Field(char.ToUpperInvariant(field[0]) + field[1..]), message);
        }

        form.NotifyValidationStateChanged();
        return shown;
    }
}
