using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.Complaints;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Infrastructure.Text;
using ZangZhiFa.Workflow.Web.Features.Attachments;

namespace ZangZhiFa.Workflow.Web.Features.Complaints;

/// <summary>
/// 投诉举报: a member of the public files a complaint about enforcement conduct and gets a tracking number and
/// a query code. The complaint row and the start of its workflow commit together; a repeated submission (same
/// <c>Idempotency-Key</c>, or the same content within a minute) returns the first one instead of a second.
/// </summary>
public static partial class SubmitComplaint
{
    public const string FlowId = "complaint-intake";

    /// <summary>The form's fields; JSON names are camelCase.</summary>
    public sealed record Request
    {
        public bool Anonymous { get; init; }

        public string? ComplainantName { get; init; }

        public string? IdType { get; init; }

        public string? IdNumber { get; init; }

        public string? Phone { get; init; }

        public string? Email { get; init; }

        public string? Address { get; init; }

        public bool Enterprise { get; init; }

        public string? RespondentUnitCode { get; init; }

        public string? RespondentOfficer { get; init; }

        public string? Category { get; init; }

        public string? OccurredAt { get; init; }

        public string? Location { get; init; }

        public string? Description { get; init; }

        public string? Language { get; init; }
    }

    public sealed record Response(string TrackingNumber, string QueryCode);

    /// <summary>
    /// What happened: a new complaint, an earlier one returned again, or field errors — <paramref name="KeyReused"/> when
    /// the one error is an <c>Idempotency-Key</c> that already named a complaint with other content.
    /// </summary>
    public sealed record Outcome(Response? Created, Response? Existing, Dictionary<string, string[]>? Errors, bool KeyReused = false);

    private const string KeyField = "Idempotency-Key";

    private const string KeyReusedMessage = "该 Idempotency-Key 已用于另一份内容不同的投诉举报；新的投诉请使用新的键";

    public static readonly IReadOnlyList<string> IdTypes = ["居民身份证", "护照", "港澳台居民居住证", "其他"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowTrailingCommas = false };

    [GeneratedRegex(@"^(\+?86[- ]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")]
    private static partial Regex PhonePattern();

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/complaints", async Task<Results<Created<Response>, Ok<Response>, ValidationProblem, ProblemHttpResult>> (HttpRequest http, Handler handler, AttachmentStore attachments, CancellationToken cancellationToken) =>
            {
                var key = http.Headers["Idempotency-Key"].ToString();
                var idempotencyKey = string.IsNullOrWhiteSpace(key) ? null : key.Trim();
                if (http.HasFormContentType)
                {
                    if (await ComplaintUpload.ReadFormAsync(http, attachments.Options, cancellationToken) is not { } form)
                    {
                        return ComplaintUpload.TooLarge(attachments.Options);
                    }

                    var (fields, formErrors) = ComplaintUpload.ToRequest(form);
                    using var batch = await attachments.StageAsync(form.Files.GetFiles(ComplaintUpload.FilesField), cancellationToken);
                    foreach (var (field, messages) in formErrors)
                    {
                        batch.Errors[field] = messages;
                    }

                    return Reply(await handler.HandleAsync(fields, batch, idempotencyKey, cancellationToken));
                }

                var (request, problem) = await BadRequestProblems.ReadJsonAsync<Request>(http, Json, cancellationToken);
                return problem ?? Reply(await handler.HandleAsync(request!, idempotencyKey, cancellationToken));
            })
            .RequireRateLimiting(RateLimits.SubmitPolicy)
            .DisableAntiforgery();

    private static Results<Created<Response>, Ok<Response>, ValidationProblem, ProblemHttpResult> Reply(Outcome outcome)
    {
        if (outcome.Errors is { } errors)
        {
            // A reused key is not a wrong field value but a request that contradicts an earlier one: 422, as the
            // IETF Idempotency-Key draft has it, with the same problem shape naming the header.
            return outcome.KeyReused
                ? TypedResults.Problem(new HttpValidationProblemDetails(errors) { Status = StatusCodes.Status422UnprocessableEntity, Title = "Idempotency-Key 重复使用" })
                : TypedResults.ValidationProblem(errors, title: "提交内容有误，请按提示修改");
        }

        return outcome.Created is { } created
            ? TypedResults.Created($"/api/complaints/{created.TrackingNumber}", created)
            : TypedResults.Ok(outcome.Existing!);
    }

    /// <summary>Checks every field and names each bad one with a message a member of the public understands.</summary>
    public static Dictionary<string, string[]> Validate(Request r, DateTimeOffset now, TimeSpan utcOffset)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string field, string message) => errors[field] = [message];

        if (!r.Anonymous)
        {
            if (string.IsNullOrWhiteSpace(r.ComplainantName))
            {
                Add("complainantName", "请填写姓名或单位名称（如不愿留名，请选择匿名投诉）");
            }

            if (string.IsNullOrWhiteSpace(r.Phone))
            {
                Add("phone", "请填写联系电话，以便告知办理结果");
            }
        }

        Length("complainantName", r.ComplainantName, 100);
        Length("address", r.Address, 200);
        Length("respondentOfficer", r.RespondentOfficer, 50);
        Length("location", r.Location, 200);
        if (r.Phone is { Length: > 0 } phone && !PhonePattern().IsMatch(phone.Replace(" ", "", StringComparison.Ordinal)))
        {
            Add("phone", "联系电话格式不正确（手机号 11 位，或带区号的固定电话）");
        }

        if (r.Email is { Length: > 0 } email && (email.Length > 200 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email))
        {
            Add("email", "电子邮箱格式不正确");
        }

        if (r.IdType is { Length: > 0 } idType && !IdTypes.Contains(idType))
        {
            Add("idType", $"证件类型须为：{string.Join("、", IdTypes)}");
        }

        if (r.IdNumber is { Length: > 0 } idNumber)
        {
            if (r.IdType is null)
            {
                Add("idType", "填写证件号码时请选择证件类型");
            }
            else if (r.IdType == "居民身份证" && !IsResidentId(idNumber))
            {
                Add("idNumber", "居民身份证号码不正确（18 位，末位可为 X）");
            }
            else if (idNumber.Length > 30)
            {
                Add("idNumber", "证件号码不能超过 30 个字符");
            }
        }

        if (string.IsNullOrWhiteSpace(r.RespondentUnitCode))
        {
            Add("respondentUnitCode", "请选择被投诉的执法单位");
        }

        if (string.IsNullOrWhiteSpace(r.Category))
        {
            Add("category", "请选择投诉类别");
        }
        else if (!ComplaintCategories.All.Contains(r.Category))
        {
            Add("category", "投诉类别不在可选范围内");
        }

        if (r.OccurredAt is { Length: > 0 } occurred)
        {
            if (!DateOnly.TryParseExact(occurred, "yyyy-MM-dd", out var date))
            {
                Add("occurredAt", "发生时间格式应为 年-月-日，如 2026-03-01");
            }
            else if (date > DateOnly.FromDateTime(now.ToOffset(utcOffset).DateTime))
            {
                Add("occurredAt", "发生时间不能晚于今天");
            }
        }

        if (string.IsNullOrWhiteSpace(r.Description))
        {
            Add("description", "请填写投诉举报的具体事实");
        }
        else if (PlainText.VisibleLength(r.Description) < 10)
        {
            Add("description", "请把事情经过写得具体一些（至少 10 个字）");
        }
        else if (r.Description.Length > 5000)
        {
            Add("description", "具体事实不能超过 5000 字");
        }

        if (r.Language is { Length: > 0 } language && language is not ("zh" or "bo"))
        {
            Add("language", "语言只能是 zh 或 bo");
        }

        return errors;

        void Length(string field, string? value, int max)
        {
            if (value is { } v && v.Length > max)
            {
                Add(field, $"不能超过 {max} 个字");
            }
        }
    }

    /// <summary>GB 11643 check digit: catches most typing errors in an 18-digit resident ID.</summary>
    private static bool IsResidentId(string id)
    {
        ReadOnlySpan<int> weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const string checks = "10X98765432";
        if (id.Length != 18 || !id[..17].All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (id[i] - '0') * weights[i];
        }

        return char.ToUpperInvariant(id[17]) == checks[sum % 11];
    }

    /// <summary>Registers a complaint and starts its handling flow in one commit.</summary>
    public sealed class Handler(
        WorkflowDbContext db,
        EfWorkflowStore store,
        WorkflowRunner runner,
        ComplaintAccess access,
        Engine.Abstractions.IWorkingCalendar calendar,
        TimeProvider time)
    {
        // Compiled once: run as LINQ, every submission paid EF's expression walk and cache lookup for each of its
        // four lookups (a tenth of what a submission allocates).
        private static readonly Func<WorkflowDbContext, string, CancellationToken, Task<OrgUnit?>> UnitByCode =
            EF.CompileAsyncQuery((WorkflowDbContext c, string code, CancellationToken _) => c.OrgUnits.AsNoTracking().FirstOrDefault(u => u.Code == code));

        // The complaint with the same key comes first: a retry with a key is answered with what that key created. Only
        // what the answer needs is read: the second check runs in the write turn, where every microsecond queues others.
        private static readonly Func<WorkflowDbContext, string?, string, DateTimeOffset, CancellationToken, Task<Complaint?>> Duplicate =
            EF.CompileAsyncQuery((WorkflowDbContext c, string? key, string hash, DateTimeOffset since, CancellationToken _) => c.Complaints.AsNoTracking()
                .Where(x => (key != null && x.IdempotencyKey == key) || (x.ContentHash == hash && x.SubmittedAt >= since))
                .OrderBy(x => key != null && x.IdempotencyKey == key ? 0 : 1)
                .Select(x => new Complaint { TrackingNumber = x.TrackingNumber, QueryCodeProtected = x.QueryCodeProtected, IdempotencyKey = x.IdempotencyKey, ContentHash = x.ContentHash })
                .FirstOrDefault());

        public async Task<Outcome> HandleAsync(Request raw, string? idempotencyKey, CancellationToken cancellationToken)
        {
            using var none = AttachmentBatch.Empty();
            return await HandleAsync(raw, none, idempotencyKey, cancellationToken);
        }

        /// <summary>
        /// As above, with files already staged by <see cref="AttachmentStore.StageAsync"/>: their problems are
        /// reported with the other fields', and they are moved into the store only inside the complaint's commit.
        /// <c>keyIsServerIssued</c>: the key came from a form this server rendered (unguessable, in the visitor's own
        /// page), so a resubmission of that form after an edit is still that submission; a client's own key sent again
        /// with other content is refused instead.
        /// </summary>
        public async Task<Outcome> HandleAsync(Request raw, AttachmentBatch attachments, string? idempotencyKey, CancellationToken cancellationToken, bool keyIsServerIssued = false)
        {
            var request = Normalise(raw);
            var now = time.GetUtcNow();
            var errors = Validate(request, now, calendar.UtcOffset);
            foreach (var (field, messages) in attachments.Errors)
            {
                errors[field] = messages;
            }

            var respondent = request.RespondentUnitCode is { } code
                ? await UnitByCode(db, code, cancellationToken)
                : null;
            if (request.RespondentUnitCode is not null && respondent is null)
            {
                errors["respondentUnitCode"] = ["被投诉单位不存在，请从列表中选择"];
            }

            if (idempotencyKey is { Length: > 100 })
            {
                errors[KeyField] = ["Idempotency-Key 不能超过 100 个字符"];
            }

            if (errors.Count > 0)
            {
                return new Outcome(null, null, errors);
            }

            var contentHash = HashContent(request, attachments.Files.Select(f => f.Sha256));
            var year = now.ToOffset(calendar.UtcOffset).Year;
            Task<Complaint?> FindDuplicateAsync() => Duplicate(db, idempotencyKey, contentHash, now.AddMinutes(-1), cancellationToken);

            // A client's key names one submission: sent again with other content it is the client's mistake, and answering
            // it with the first complaint's number and query code would hand that case to whoever reused or guessed the key.
            Outcome Answer(Complaint found) => !keyIsServerIssued && idempotencyKey is not null && found.IdempotencyKey == idempotencyKey && found.ContentHash != contentHash
                ? new Outcome(null, null, new Dictionary<string, string[]>(StringComparer.Ordinal) { [KeyField] = [KeyReusedMessage] }, KeyReused: true)
                : new Outcome(null, new Response(found.TrackingNumber, access.Reveal(found)), null);

            // A resubmission of a committed complaint (a retry with its key, a second click) is answered before it takes a number.
            if (await FindDuplicateAsync() is { } committed)
            {
                return Answer(committed);
            }

            // The number is taken and committed on its own, so the flow can start with it without holding the
            // write lock; only a submission that then fails, or loses a race with its identical twin, leaves a gap.
            var sequence = await store.TakeSequenceValueAsync($"tracking:{year}", cancellationToken);
            var supervising = await SupervisingUnitAsync(respondent!, cancellationToken);
            var trackingNumber = $"TS-{year}-{sequence:000000}";
            var queryCode = ComplaintAccess.NewQueryCode();
            var complaint = new Complaint
            {
                Id = Guid.CreateVersion7(now),
                TrackingNumber = trackingNumber,
                QueryCodeProtected = access.Protect(queryCode),
                SubmittedAt = now,
                Category = request.Category!,
                Description = request.Description!,
                OccurredAt = request.OccurredAt,
                Location = request.Location,
                RespondentUnitCode = respondent!.Code,
                RespondentOfficer = request.RespondentOfficer,
                Enterprise = request.Enterprise,
                Anonymous = request.Anonymous,
                ComplainantName = request.Anonymous ? null : request.ComplainantName,
                IdType = request.Anonymous ? null : request.IdType,
                IdNumber = request.Anonymous ? null : request.IdNumber,
                Phone = request.Anonymous ? null : request.Phone,
                Email = request.Email,
                Address = request.Anonymous ? null : request.Address,
                Language = request.Language ?? "zh",
                IdempotencyKey = idempotencyKey,
                ContentHash = contentHash,
            };

            var inputs = new JsonObject
            {
                ["complaint"] = new JsonObject
                {
                    ["trackingNumber"] = trackingNumber,
                    ["submittedAt"] = now.ToOffset(calendar.UtcOffset).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    ["category"] = complaint.Category,
                    ["description"] = complaint.Description,
                    ["respondentUnitCode"] = respondent.Code,
                    ["respondentUnitName"] = respondent.Name,
                    ["complainantName"] = complaint.ComplainantName,
                    ["anonymous"] = complaint.Anonymous,
                    ["enterprise"] = complaint.Enterprise,
                },
                ["complainantEmail"] = complaint.Email ?? "",
                ["supervisingUnitCode"] = supervising.Code,
                ["supervisingUnitName"] = supervising.Name,
            };
            var instance = await runner.StartAsync(FlowId, inputs, new StartOptions(trackingNumber, "public"), cancellationToken);

            complaint.InstanceId = instance.Id;
            db.Complaints.Add(complaint);
            db.ComplaintAttachments.AddRange(attachments.Files.Select((f, i) => new ComplaintAttachment
            {
                Id = Guid.CreateVersion7(now),
                ComplaintId = complaint.Id,
                Ordinal = i,
                FileName = f.FileName,
                ContentType = f.ContentType,
                Size = f.Size,
                Sha256 = f.Sha256,
            }));
            Complaint? duplicate = null;
            try
            {
                // The second duplicate check runs in the write turn, so it is serialised against every other
                // submission: two identical requests cannot both pass it. Files go into place only after it (a twin's
                // files are the same files) and before the commit, so a committed row always has its file.
                var saved = await store.SaveChangesAsync(async _ =>
                {
                    if ((duplicate = await FindDuplicateAsync()) is not null)
                    {
                        return false;
                    }

                    attachments.Place();
                    return true;
                }, cancellationToken);
                if (!saved)
                {
                    // Nothing of this unit is saved: the flow it started rolled back with it.
                    return Answer(duplicate!);
                }
            }
            catch
            {
                // Takes out only the files this submission created, if it got as far as placing them.
                attachments.Unplace();
                throw;
            }

            return new Outcome(new Response(trackingNumber, queryCode), null, null);
        }

        /// <summary>
        /// The 司法行政部门 that supervises the respondent: for an enforcement unit, the justice bureau of its own
        /// level (its parent in the tree); for a justice bureau itself, the one above it.
        /// </summary>
        private async Task<OrgUnit> SupervisingUnitAsync(OrgUnit respondent, CancellationToken cancellationToken)
        {
            var code = ComplaintAccess.SupervisingUnitCode(respondent.Code, respondent.ParentCode);
            return await UnitByCode(db, code, cancellationToken) ?? throw new InvalidOperationException($"监督机关 {code} 不在组织机构中 (supervising unit missing)");
        }
    }

    private static Request Normalise(Request r)
    {
        static string? Clean(string? value) => value is null ? null : PlainText.Strip(value).Trim() is { Length: > 0 } text ? text : null;
        return r with
        {
            ComplainantName = Clean(r.ComplainantName),
            IdType = Clean(r.IdType),
            IdNumber = Clean(r.IdNumber)?.ToUpperInvariant(),
            Phone = Clean(r.Phone),
            Email = Clean(r.Email),
            Address = Clean(r.Address),
            RespondentUnitCode = Clean(r.RespondentUnitCode),
            RespondentOfficer = Clean(r.RespondentOfficer),
            Category = Clean(r.Category),
            OccurredAt = Clean(r.OccurredAt),
            Location = Clean(r.Location),
            Description = r.Description is null ? null : PlainText.Strip(r.Description).Trim(),
            Language = Clean(r.Language),
        };
    }

    private static string HashContent(Request r, IEnumerable<string> attachmentHashes)
    {
        // Attachment hashes join only when there are files, so complaints without files hash as they always did.
        object?[] parts = [r.Anonymous, r.ComplainantName, r.Phone, r.Email, r.RespondentUnitCode, r.Category, r.OccurredAt, r.Location, r.Description, .. attachmentHashes];
        var text = string.Join("\u001f", parts);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
