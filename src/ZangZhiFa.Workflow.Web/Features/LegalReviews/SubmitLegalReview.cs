using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Infrastructure.LegalReviews;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Features.Attachments;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.LegalReviews;

/// <summary>
/// 重大执法决定法制审核: an enforcement unit's 承办人 submits a proposed decision. The flow's catalogue decides whether
/// review is mandatory and routes it to the unit's own reviewers or to the pool (法制审核协作) of the 司法局 the unit
/// belongs to. The case number is <c>FS-&lt;year&gt;-&lt;n&gt;</c>.
/// </summary>
public static class SubmitLegalReview
{
    public const string FlowId = "legal-review";

    public static readonly IReadOnlyList<string> PartyTypes = ["个人", "单位"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The proposed decision (拟作出的执法决定); JSON names are camelCase.</summary>
    public sealed record Request
    {
        public string? CaseName { get; init; }

        public string? CaseNumber { get; init; }

        public string? PartyName { get; init; }

        public string? PartyType { get; init; }

        public string? Facts { get; init; }

        public string? Evidence { get; init; }

        public string? ProposedDecision { get; init; }

        public decimal? FineAmount { get; init; }

        public decimal? ConfiscationAmount { get; init; }

        public bool OrdersStop { get; init; }

        public bool RevokesLicence { get; init; }

        public bool HearingHeld { get; init; }

        public bool OutsideBenchmark { get; init; }

        public bool Complex { get; init; }

        public string? Basis { get; init; }

        public string? Benchmark { get; init; }
    }

    public sealed record Response(string CaseNumber, string Stage, bool ReviewRequired);

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/legal-reviews", async Task<Results<Created<Response>, ValidationProblem, ForbidHttpResult, ProblemHttpResult>> (HttpRequest http, Handler handler, AttachmentStore attachments, CancellationToken cancellationToken) =>
        {
            if (http.HasFormContentType)
            {
                // Multipart: the same fields as form fields, files (evidence, hearing record…) under `attachments`.
                if (await ComplaintUpload.ReadFormAsync(http, attachments.Options, cancellationToken) is not { } form)
                {
                    return ComplaintUpload.TooLarge(attachments.Options);
                }

                var (fromForm, formErrors) = FromForm(form);
                using var batch = await attachments.StageAsync(form.Files.GetFiles(ComplaintUpload.FilesField), cancellationToken);
                foreach (var (field, messages) in formErrors)
                {
                    batch.Errors[field] = messages;
                }

                return await handler.HandleAsync(fromForm, batch, cancellationToken);
            }

            var (request, problem) = await BadRequestProblems.ReadJsonAsync<Request>(http, Json, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            using var none = AttachmentBatch.Empty();
            return await handler.HandleAsync(request!, none, cancellationToken);
        }).RequireAuthorization().DisableAntiforgery();

    /// <summary>The request from form fields; numbers and flags that do not parse are field errors.</summary>
    public static (Request Request, Dictionary<string, string[]> Errors) FromForm(IFormCollection form)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? Text(string name) => form.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v.ToString() : null;
        decimal? Amount(string name)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            errors[name] = ["须为数字（元）"];
            return null;
        }

        bool Flag(string name)
        {
            var text = Text(name)?.ToLowerInvariant();
            if (text is null or "false" or "off" or "0")
            {
                return false;
            }

            if (text is "true" or "on" or "1")
            {
                return true;
            }

            errors[name] = ["须为 true 或 false"];
            return false;
        }

        var request = new Request
        {
            CaseName = Text("caseName"), CaseNumber = Text("caseNumber"), PartyName = Text("partyName"), PartyType = Text("partyType"),
            Facts = Text("facts"), Evidence = Text("evidence"), ProposedDecision = Text("proposedDecision"),
            FineAmount = Amount("fineAmount"), ConfiscationAmount = Amount("confiscationAmount"),
            OrdersStop = Flag("ordersStop"), RevokesLicence = Flag("revokesLicence"), HearingHeld = Flag("hearingHeld"),
            OutsideBenchmark = Flag("outsideBenchmark"), Complex = Flag("complex"), Basis = Text("basis"), Benchmark = Text("benchmark"),
        };
        return (request, errors);
    }

    public static Dictionary<string, string[]> Validate(Request r)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        StaffCases.CheckText(errors, "caseName", r.CaseName, "案件名称", 200, required: true);
        StaffCases.CheckText(errors, "caseNumber", r.CaseNumber, "案件编号", 100, required: false);
        StaffCases.CheckText(errors, "partyName", r.PartyName, "当事人", 200, required: true);
        StaffCases.CheckText(errors, "facts", r.Facts, "违法事实", 5000, required: true);
        StaffCases.CheckText(errors, "evidence", r.Evidence, "证据目录", 3000, required: false);
        StaffCases.CheckText(errors, "proposedDecision", r.ProposedDecision, "拟作出的决定", 2000, required: true);
        StaffCases.CheckText(errors, "basis", r.Basis, "法律依据", 2000, required: true);
        StaffCases.CheckText(errors, "benchmark", r.Benchmark, "适用的裁量基准", 2000, required: false);
        if (r.PartyType is null || !PartyTypes.Contains(r.PartyType))
        {
            errors["partyType"] = ["当事人类型须为“个人”或“单位”"];
        }

        if (r.FineAmount is < 0)
        {
            errors["fineAmount"] = ["罚款数额不能为负数"];
        }

        if (r.ConfiscationAmount is < 0)
        {
            errors["confiscationAmount"] = ["没收数额不能为负数"];
        }

        return errors;
    }

    /// <summary>Starts the review flow for the signed-in 承办人's enforcement unit, in one commit.</summary>
    public sealed class Handler(WorkflowDbContext db, EfWorkflowStore store, WorkflowRunner runner, StaffUserContext user, IWorkingCalendar calendar, TimeProvider time)
    {
        public async Task<Results<Created<Response>, ValidationProblem, ForbidHttpResult, ProblemHttpResult>> HandleAsync(Request request, AttachmentBatch attachments, CancellationToken cancellationToken)
        {
            var unit = await db.OrgUnits.AsNoTracking().FirstAsync(u => u.Code == user.OrgUnitCode, cancellationToken);
            if (unit.Kind != "enforcement" || !user.Roles.Contains(StaffRoles.Handler))
            {
                // Only an enforcement unit makes enforcement decisions; the 司法局 reviews them.
                return TypedResults.Forbid();
            }

            var errors = Validate(request);
            foreach (var (field, messages) in attachments.Errors)
            {
                errors[field] = messages;
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors, title: "送审内容有误，请按提示修改");
            }

            var email = await db.Users.AsNoTracking().Where(u => u.UserName == user.UserName).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
            var now = time.GetUtcNow();
            var caseNumber = await StaffCases.NextNumberAsync(store, calendar, time, "FS", cancellationToken);
            var inputs = new JsonObject
            {
                ["proposal"] = JsonSerializer.SerializeToNode(request with
                {
                    CaseName = request.CaseName!.Trim(),
                    PartyName = request.PartyName!.Trim(),
                }, Json),
                ["attachments"] = new JsonArray([.. attachments.Files.Select(f => (JsonNode)f.FileName)]),
                ["submittingUnitCode"] = unit.Code,
                ["submittingUnitName"] = unit.Name,
                ["submitterEmail"] = email ?? "",
                // 法制审核协作 is led by the 司法行政部门 the unit belongs to (seed task 15).
                ["poolUnitCode"] = unit.ParentCode ?? unit.Code,
            };
            var instance = await runner.StartAsync(FlowId, inputs, new StartOptions(caseNumber, user.UserName), cancellationToken);
            for (var i = 0; i < attachments.Files.Count; i++)
            {
                var file = attachments.Files[i];
                db.LegalReviewAttachments.Add(new LegalReviewAttachment
                {
                    Id = Guid.CreateVersion7(now), CaseNumber = caseNumber, Ordinal = i,
                    FileName = file.FileName, ContentType = file.ContentType, Size = file.Size, Sha256 = file.Sha256,
                });
            }

            attachments.Place();
            try
            {
                await store.SaveChangesAsync(cancellationToken);
            }
            catch
            {
                attachments.Unplace();
                throw;
            }
            if (StaffCases.Faulted(instance) is { } fault)
            {
                return fault;
            }

            var variables = JsonNode.Parse(instance.VariablesJson)!;
            var required = variables["catalogue"]?["matched"] is JsonArray { Count: > 0 };
            return TypedResults.Created($"/cases/{caseNumber}", new Response(caseNumber, variables["stage"]?.GetValue<string>() ?? "", required));
        }
    }
}
