using Microsoft.AspNetCore.Http.HttpResults;
using ZangZhiFa.Workflow.Web.Features.Complaints;

namespace ZangZhiFa.Workflow.Web.Features.Attachments;

/// <summary>
/// <c>POST /api/complaints</c> as <c>multipart/form-data</c>: the JSON body's fields as form fields of the same
/// names, files under <c>attachments</c>. Size is checked before anything is read, so an oversized request costs
/// neither disk nor a database transaction.
/// </summary>
public static class ComplaintUpload
{
    public const string FilesField = "attachments";

    private static readonly string[] TrueValues = ["true", "on", "1"];
    private static readonly string[] FalseValues = ["false", "off", "0", ""];

    /// <summary>The 413 answer: the whole request is over <see cref="AttachmentOptions.MaxRequestBytes"/>.</summary>
    public static ProblemHttpResult TooLarge(AttachmentOptions options) =>
        TypedResults.Problem(
            title: "提交内容过大",
            detail: $"一次提交的内容和全部附件合计不能超过 {options.MaxRequestMegabytes} MB；每个附件不超过 {options.MaxFileMegabytes} MB，最多 {options.MaxFiles} 个",
            statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>
    /// Reads the form, or null when the body is over the limit: a declared length is refused at once, a chunked
    /// body when the form reader or Kestrel passes the limit.
    /// </summary>
    public static async Task<IFormCollection?> ReadFormAsync(HttpRequest request, AttachmentOptions options, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxRequestBytes)
        {
            return null;
        }

        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            // One part passed FormOptions.MultipartBodyLengthLimit (set to the same limit).
            return null;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }

    /// <summary>
    /// Folds per-file messages (<c>attachments[i]</c>) into one entry under <c>attachments</c>, for a page that has
    /// one file input: in file order, each naming its file (<paramref name="fileNames"/>, as the browser sent them) so
    /// the visitor knows which one to replace.
    /// </summary>
    public static Dictionary<string, string>? OneFileField(Dictionary<string, string>? errors, IReadOnlyList<string> fileNames)
    {
        if (errors is null)
        {
            return null;
        }

        var files = errors.Where(e => e.Key == FilesField || e.Key.StartsWith(FilesField + "[", StringComparison.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            return errors;
        }

        // attachments[i] names the i-th file; the bare attachments (the count) names none.
        string Named(KeyValuePair<string, string> error) =>
            error.Key != FilesField && int.TryParse(error.Key[(FilesField.Length + 1)..^1], out var i)
                && i < fileNames.Count && Path.GetFileName(fileNames[i]) is { Length: > 0 } name
                ? $"“{name}”：{error.Value}"
                : error.Value;

        var folded = errors.Where(e => !files.Contains(e)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        folded[FilesField] = string.Join(" ", files.Select(Named).Distinct());
        return folded;
    }

    /// <summary>The form's fields as the JSON request; flags that are not a boolean are field errors.</summary>
    public static (SubmitComplaint.Request Request, Dictionary<string, string[]> Errors) ToRequest(IFormCollection form)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? Text(string name) => form.TryGetValue(name, out var value) ? value.ToString() : null;
        bool Flag(string name)
        {
            var value = (Text(name) ?? "").Trim().ToLowerInvariant();
            if (TrueValues.Contains(value))
            {
                return true;
            }

            if (!FalseValues.Contains(value))
            {
                errors[name] = ["格式不正确"];
            }

            return false;
        }

        var request = new SubmitComplaint.Request
        {
            Anonymous = Flag("anonymous"),
            ComplainantName = Text("complainantName"),
            IdType = Text("idType"),
            IdNumber = Text("idNumber"),
            Phone = Text("phone"),
            Email = Text("email"),
            Address = Text("address"),
            Enterprise = Flag("enterprise"),
            RespondentUnitCode = Text("respondentUnitCode"),
            RespondentOfficer = Text("respondentOfficer"),
            Category = Text("category"),
            OccurredAt = Text("occurredAt"),
            Location = Text("location"),
            Description = Text("description"),
            Language = Text("language"),
        };
        return (request, errors);
    }
}
