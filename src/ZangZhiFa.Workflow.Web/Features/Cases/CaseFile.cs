using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Complaints;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Features.Complaints;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Cases;

/// <summary>
/// The case file (案卷) as a staff member may see it: identity masked unless their role on the case needs it. It holds
/// everything done under the case — its flow and every flow started from it (特邀监督员选派, 问责 …), however deep:
/// <see cref="Flows"/> lists them, root first, and each task, notice, mail and timeline line names its flow.
/// </summary>
public sealed record CaseFile(
    string CaseNumber,
    string DefinitionId,
    int DefinitionVersion,
    string Status,
    CaseParties? Complaint,
    IReadOnlyList<CaseTask> Tasks,
    IReadOnlyList<CaseNotice> Notices,
    IReadOnlyList<CaseMail> Mails,
    IReadOnlyList<CaseEvent> Timeline,
    IReadOnlyList<CaseFlow> Flows,
    IReadOnlyList<CaseReceived> Received,
    IReadOnlyDictionary<string, string> Names)
{
    /// <summary>Who did something, as people know them: a staff member's name, 投诉人, 系统; the account name when unknown.</summary>
    public string NameOf(string? actor) => actor switch
    {
        null or "" => "",
        "system" => "系统",
        "public" or "complainant" => "投诉人",
        _ => Names.TryGetValue(actor, out var name) && name.Length > 0 ? name : actor,
    };
}

/// <summary>
/// What a flow received while it waited (its Signal steps): the complainant's 补正 and 满意度评价, an officer's 陈述申辩,
/// a unit's 异议 — the latest of each, as the flow holds it, for the staff who act on it next.
/// </summary>
public sealed record CaseReceived(string Title, IReadOnlyList<CaseField> Values, Guid InstanceId, string Flow);

public sealed record CaseParties(string Category, string Description, string? OccurredAt, string? Location, string RespondentUnitCode, string? RespondentOfficer, bool Anonymous, string ComplainantName, string IdNumber, string Phone, string Email, string Address, bool IdentityShown, string? RespondentUnitName, bool Enterprise);

/// <summary>
/// One flow of the case: the root (<see cref="ParentInstanceId"/> null) or one started under it. <see cref="Label"/>
/// is its Chinese name, with its own number when it has one (问责 runs as <c>TS-…-WZ</c>).
/// </summary>
public sealed record CaseFlow(Guid InstanceId, Guid? ParentInstanceId, string DefinitionId, int DefinitionVersion, string? CaseNumber, string Status, string Label);

public sealed record CaseTask(Guid Id, string ActivityId, string Title, string? AssigneeRole, string? OrgUnitCode, string? AssigneeUser, string Status, DateTimeOffset CreatedAt, DateTimeOffset? DueAt, DateTimeOffset? CompletedAt, string? CompletedBy, string? Outcome, string? Comment, int EscalationLevel, Guid InstanceId, string Flow, IReadOnlyList<CaseField> Fields)
{
    /// <summary>
    /// What was entered in a completed task's form, under the form's labels, in form order: the facts found, the
    /// reason for an extension, a supervisor's opinion — what the next person on the case has to read.
    /// </summary>
    public static IReadOnlyList<CaseField> ReadFields(string formJson, string? resultJson, Func<string?, string?> mask)
    {
        if (resultJson is null || JsonNode.Parse(resultJson)?["fields"] is not JsonObject fields || fields.Count == 0)
        {
            return [];
        }

        var form = Engine.Activities.HumanTask.ReadForm(formJson).ToList();
        return [.. fields
            .Where(f => f.Value is not null && !(f.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String && v.GetValue<string>().Length == 0))
            .OrderBy(f => form.FindIndex(x => x.Name == f.Key) is var i and >= 0 ? i : int.MaxValue)
            .Select(f => new CaseField(
                form.Find(x => x.Name == f.Key)?.Label is { Length: > 0 } label ? label : f.Key,
                mask(Engine.Activities.HumanTask.ValueText(f.Value)) ?? ""))];
    }
}

/// <summary>One entry of a completed task's form, as the case file shows it.</summary>
public sealed record CaseField(string Label, string Value);

public sealed record CaseNotice(Guid Id, string Title, string? DocumentNumber, string? Audience, DateTimeOffset IssuedAt, Guid InstanceId, string Flow);

public sealed record CaseMail(string Subject, string To, string Status, DateTimeOffset? SentAt, Guid InstanceId, string Flow);

public sealed record CaseEvent(DateTimeOffset At, string Event, string? ActivityId, string? ActivityType, string? Outcome, string Actor, string? Summary, Guid InstanceId, string Flow)
{
    /// <summary>督办 entries: the Escalate activity's own steps and the notes it writes when it can go no higher.</summary>
    public bool IsEscalation => ActivityType == "Escalate" || Event.StartsWith("escalation", StringComparison.Ordinal);

    /// <summary>What happened, in Chinese (任务完成, 督办, 发出文书 …): see <see cref="JournalText"/>.</summary>
    public string Label => JournalText.Describe(Event, ActivityType);

    /// <summary>The summary as the case page shows it: see <see cref="JournalText.ShownSummary"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? ShownSummary => JournalText.ShownSummary(ActivityType, Summary);
}

/// <summary>
/// Which cases a staff member may open. A case is in scope when one of its tasks (or of its child flows) was ever
/// for the user or for a unit in the user's scope; never when the user's own unit is the complaint's respondent (被投诉单位). Checked in
/// the query, so a guessed case number finds nothing. An invited supervisor has no unit scope
/// (<see cref="StaffUserContext.SeesAssignedCasesOnly"/>), so for them this is "a task of the case named them": they
/// were drawn for it. The file's doors — the case API and page, the staff notice link, the legal-review files and the
/// complaint's attachments (<see cref="Attachments.CaseAttachments"/>) — all ask this rule.
/// </summary>
public sealed class CaseQueries(WorkflowDbContext db, StaffUserContext user, IWorkflowDefinitionProvider definitions, IOrgDirectory orgs)
{
    private const string Masked = "***";

    /// <summary>Roles that handle the complainant directly and so see who they are, in the unit the case sits with.</summary>
    private static readonly string[] IdentityRoles = [StaffRoles.IntakeClerk, StaffRoles.Handler];

    /// <summary>The root instance of a case as far as the file needs it: read without its (large) state.</summary>
    private sealed record CaseInstance(Guid Id, string DefinitionId, int DefinitionVersion, WorkflowStatus Status);

    /// <summary>
    /// The scope rule, and nothing else: the case's root instance when the user may open the case, else null. One
    /// indexed EXISTS over the case's tasks (its child flows share its number) plus the respondent check — cheap
    /// enough for every door that only asks "may they?" (a notice link), without building the file.
    /// </summary>
    private async Task<(CaseInstance Instance, Complaint? Complaint)?> InScopeAsync(string caseNumber, CancellationToken cancellationToken)
    {
        var scope = await user.ScopeAsync(cancellationToken);
        var reaching = Reaching(db, user.UserName, [.. scope]);
        var found = await db.Instances.AsNoTracking()
            // The case's root flow; or a flow started under a case with a number of its own (a 问责 from a complaint
            // runs as TS-…-WZ), whose file is that flow and what runs under it: without the complaint, so without who complained.
            .Where(i => i.CorrelationId == caseNumber
                        && (i.ParentInstanceId == null || !db.Instances.Any(p => p.Id == i.ParentInstanceId && p.CorrelationId == caseNumber)))
            // Tasks of the case's child flows count too (they share its number): an invited supervisor's tasks
            // live in supervisor-assignment, and they must be able to read the case they supervise.
            .Select(i => new { i.Id, i.DefinitionId, i.DefinitionVersion, i.Status, Reached = reaching.Any(t => t.CorrelationId == i.CorrelationId) })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null || (!found.Reached && !await UnitsReachAsync(found.Id, found.DefinitionId, found.DefinitionVersion, scope, cancellationToken)))
        {
            return null;
        }

        var instance = new CaseInstance(found.Id, found.DefinitionId, found.DefinitionVersion, found.Status);

        var complaint = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.TrackingNumber == caseNumber, cancellationToken);
        if (complaint is not null && await ComplaintAccess.IsRespondentSideAsync(orgs, complaint.RespondentUnitCode, user.OrgUnitCode, cancellationToken))
        {
            return null;
        }

        return (instance, complaint);
    }

    /// <summary>
    /// Whether one of the flow's <c>caseAccess</c> variables names a unit in <paramref name="scope"/>: the case's own
    /// units reach it while no task of theirs does (a legal review in the 协作 pool, a 问责 waiting for the statement,
    /// a 意见书 with no task at all). Read only when no task reached the case, so the common door costs nothing more.
    /// </summary>
    private async Task<bool> UnitsReachAsync(Guid instanceId, string definitionId, int version, IReadOnlySet<string> scope, CancellationToken cancellationToken)
    {
        var names = definitions.Find(definitionId, version)?.Variables.Where(v => v.CaseAccess).Select(v => v.Name).ToList();
        if (names is not { Count: > 0 } || scope.Count == 0)
        {
            return false;
        }

        var json = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId).Select(i => i.VariablesJson).FirstAsync(cancellationToken);
        var variables = JsonNode.Parse(json) as JsonObject;
        return names.Any(name => variables?[name] is JsonValue value && value.TryGetValue<string>(out var code) && scope.Contains(code));
    }

    /// <summary>
    /// The tasks that bring their case within a user's reach: one for a unit in <paramref name="scope"/>, or one that
    /// names the user — addressed to them, completed by them, or a pool task (法制审核协作) listing them as a candidate,
    /// who may read the file before claiming the review. With an empty scope (an invited supervisor) only the latter
    /// remain: the invitation and opinion tasks of 特邀监督员选派 are addressed to the supervisor who was drawn.
    /// </summary>
    private static IQueryable<WorkflowTask> Reaching(WorkflowDbContext db, string me, IReadOnlyCollection<string> scope)
    {
        var poolMarker = "," + me + ",";
        return db.Tasks.Where(t => scope.Contains(t.OrgUnitCode!) || t.AssigneeUser == me || t.CompletedBy == me || (t.Candidates != null && t.Candidates.Contains(poolMarker)));
    }

    /// <summary>
    /// Whether a task of case <paramref name="caseNumber"/> (or of a flow under it sharing its number) names
    /// <paramref name="userName"/>: how an invited supervisor, who has no unit scope, reaches the case they were drawn for.
    /// </summary>
    public static Task<bool> NamesUserAsync(WorkflowDbContext db, string userName, string caseNumber, CancellationToken cancellationToken) =>
        Reaching(db, userName, []).AnyAsync(t => t.CorrelationId == caseNumber, cancellationToken);

    /// <summary>
    /// Whether the user sees who complained: they hold an identity role that one of the case's own tasks asks for, in
    /// the unit the task sits with, or they held that task themselves.
    /// </summary>
    private Task<bool> IdentityShownAsync(Guid instanceId, CancellationToken cancellationToken)
    {
        var roles = user.Roles.Where(IdentityRoles.Contains).ToList();
        var me = user.UserName;
        var unit = user.OrgUnitCode;
        return db.Tasks.AnyAsync(t => t.InstanceId == instanceId && roles.Contains(t.AssigneeRole!)
                                      && (t.OrgUnitCode == unit || t.CompletedBy == me || t.AssigneeUser == me), cancellationToken);
    }

    /// <summary>An instance of the case's tree as the file needs it (no variables, no state).</summary>
    private sealed record FlowRow(Guid Id, Guid? ParentInstanceId, string DefinitionId, int DefinitionVersion, string? CorrelationId, string Status);

    /// <summary>
    /// The case's flows: <paramref name="rootId"/> and every instance started under it, however deep, in one
    /// recursive query over the <c>ParentInstanceId</c> index. Children are found by parentage, not by case number:
    /// a 问责 started from a complaint carries its own number (<c>TS-…-WZ</c>) and is still work done under the case.
    /// </summary>
    private Task<List<FlowRow>> FlowsAsync(Guid rootId, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<FlowRow>($"""
            WITH RECURSIVE "tree"("Id") AS (
                SELECT {rootId}
                UNION ALL
                SELECT "i"."Id" FROM "workflow_instances" AS "i" JOIN "tree" ON "i"."ParentInstanceId" = "tree"."Id")
            SELECT "w"."Id", "w"."ParentInstanceId", "w"."DefinitionId", "w"."DefinitionVersion", "w"."CorrelationId", "w"."Status"
            FROM "workflow_instances" AS "w" JOIN "tree" ON "w"."Id" = "tree"."Id"
            ORDER BY "w"."CreatedAt"
            """).ToListAsync(cancellationToken);

    /// <summary>The display names of the accounts that appear in the file.</summary>
    private async Task<IReadOnlyDictionary<string, string>> NamesAsync(IEnumerable<string?> userNames, CancellationToken cancellationToken)
    {
        var wanted = userNames.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return await db.Users.AsNoTracking().Where(u => wanted.Contains(u.UserName)).ToDictionaryAsync(u => u.UserName, u => u.DisplayName, cancellationToken);
    }

    /// <summary>Payload keys the flows' signals use, in Chinese; any other key is shown as it is.</summary>
    private static readonly Dictionary<string, string> ReceivedLabels = new(StringComparer.Ordinal)
    {
        ["text"] = "内容",
        ["rating"] = "评价",
        ["comment"] = "意见",
        ["reason"] = "理由",
    };

    private async Task<IReadOnlyList<CaseReceived>> ReceivedAsync(IReadOnlyList<CaseFlow> flows, Func<string?, string?> mask, CancellationToken cancellationToken)
    {
        var ids = flows.Select(f => f.InstanceId).ToList();
        var variables = await db.Instances.AsNoTracking().Where(i => ids.Contains(i.Id)).Select(i => new { i.Id, i.VariablesJson }).ToListAsync(cancellationToken);
        var received = new List<CaseReceived>();
        foreach (var flow in flows)
        {
            var signals = definitions.Find(flow.DefinitionId, flow.DefinitionVersion)?.Activities.Where(a => a.Type == "Signal").ToList() ?? [];
            if (signals.Count == 0 || JsonNode.Parse(variables.Single(v => v.Id == flow.InstanceId).VariablesJson) is not JsonObject values)
            {
                continue;
            }

            foreach (var signal in signals)
            {
                if (values[signal.Id] is not JsonObject payload)
                {
                    continue;
                }

                var shown = payload
                    .Where(p => p.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String && v.GetValue<string>().Length > 0)
                    .Select(p => new CaseField(ReceivedLabels.GetValueOrDefault(p.Key, p.Key), mask(p.Value!.GetValue<string>()) ?? ""))
                    .ToList();
                if (shown.Count > 0)
                {
                    received.Add(new CaseReceived(signal.Title ?? signal.Id, shown, flow.InstanceId, flow.Label));
                }
            }
        }

        return received;
    }

    public async Task<CaseFile?> FindAsync(string caseNumber, CancellationToken cancellationToken)
    {
        if (await InScopeAsync(caseNumber, cancellationToken) is not { } found)
        {
            return null;
        }

        var (instance, complaint) = found;
        var flows = (await FlowsAsync(instance.Id, cancellationToken))
            .Select(f => new CaseFlow(f.Id, f.ParentInstanceId, f.DefinitionId, f.DefinitionVersion, f.CorrelationId, f.Status, FlowLabel(f, caseNumber)))
            .ToList();
        var ids = flows.Select(f => f.InstanceId).ToList();
        var flowOf = flows.ToDictionary(f => f.InstanceId, f => f.Label);
        string Flow(Guid? instanceId) => instanceId is { } id && flowOf.TryGetValue(id, out var label) ? label : "";

        var tasks = await db.Tasks.AsNoTracking().Where(t => ids.Contains(t.InstanceId)).OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken);
        var notices = await db.Notices.AsNoTracking().Where(n => ids.Contains(n.InstanceId)).OrderBy(n => n.IssuedAt)
            .Select(n => new { n.Id, n.Title, n.DocumentNumber, n.Audience, n.IssuedAt, n.InstanceId }).ToListAsync(cancellationToken);
        var mails = await db.Mails.AsNoTracking().Where(m => m.InstanceId != null && ids.Contains(m.InstanceId.Value))
            .Select(m => new { m.Subject, m.To, m.Status, m.SentAt, m.CreatedAt, m.InstanceId, m.Attempts, m.NextAttemptAt }).ToListAsync(cancellationToken);
        // The journal's sequence is the commit order of the whole journal, so the flows' lines interleave as they happened.
        var journal = await db.Journal.AsNoTracking().Where(j => ids.Contains(j.InstanceId)).OrderBy(j => j.Sequence)
            .Select(j => new { j.At, j.Event, j.ActivityId, j.ActivityType, j.Outcome, j.Actor, j.Summary, j.InstanceId }).ToListAsync(cancellationToken);

        // Who may know the complainant is decided on the case's own flow, as before: a child flow's tasks (an invited
        // supervisor's, a 问责's) give nobody a reason to know who complained.
        var identityShown = await IdentityShownAsync(instance.Id, cancellationToken);
        var mask = IdentityMask(complaint, identityShown);
        // 涉企 is not identity: whether an enterprise complained decides how the case is handled (a supervisor is invited).
        var respondent = complaint is null ? null : await orgs.FindAsync(complaint.RespondentUnitCode, cancellationToken);
        CaseParties? parties = complaint is null ? null : new CaseParties(
            complaint.Category, complaint.Description, complaint.OccurredAt, complaint.Location, complaint.RespondentUnitCode, complaint.RespondentOfficer, complaint.Anonymous,
            Show(complaint.ComplainantName), Show(complaint.IdNumber), Show(complaint.Phone), Show(complaint.Email), Show(complaint.Address), identityShown,
            respondent?.Name, complaint.Enterprise);

        return new CaseFile(caseNumber, instance.DefinitionId, instance.DefinitionVersion, instance.Status.ToString(), parties,
            [.. tasks.Select(t => new CaseTask(t.Id, t.ActivityId, mask(t.Title)!, t.AssigneeRole, t.OrgUnitCode, t.AssigneeUser, t.Status.ToString(), t.CreatedAt, t.DueAt, t.CompletedAt, t.CompletedBy, t.Outcome, mask(t.Comment), t.EscalationLevel, t.InstanceId, Flow(t.InstanceId), CaseTask.ReadFields(t.FormJson, t.ResultJson, mask)))],
            [.. notices.Select(n => new CaseNotice(n.Id, n.Title, n.DocumentNumber, n.Audience, n.IssuedAt, n.InstanceId, Flow(n.InstanceId)))],
            [.. mails.OrderBy(m => m.CreatedAt).Select(m => new CaseMail(mask(m.Subject)!, mask(m.To)!, MailStatusText(m.Status, m.Attempts, m.NextAttemptAt), m.SentAt, m.InstanceId!.Value, Flow(m.InstanceId)))],
            [.. journal.Select(j => new CaseEvent(j.At, j.Event, j.ActivityId, j.ActivityType, j.Outcome, j.Actor, mask(j.Summary), j.InstanceId, Flow(j.InstanceId)))],
            flows,
            await ReceivedAsync(flows, mask, cancellationToken),
            await NamesAsync(tasks.SelectMany(t => new[] { t.CompletedBy, t.AssigneeUser }).Concat(journal.Select(j => j.Actor)), cancellationToken));

        string Show(string? value) => value is null ? "" : identityShown ? value : Masked;
    }

    /// <summary>The flow's Chinese name (its definition's), and its own number when it has one other than the case's.</summary>
    private string FlowLabel(FlowRow flow, string caseNumber)
    {
        var name = definitions.Find(flow.DefinitionId, flow.DefinitionVersion)?.Name is { Length: > 0 } n ? n : flow.DefinitionId;
        return flow.CorrelationId is { } number && number != caseNumber ? $"{name}（{number}）" : name;
    }

    /// <summary>
    /// Free text of the file (task titles, comments, journal lines, mail subjects) as this viewer may read it: staff who
    /// may not know who complained get the complainant's name and contact details masked wherever staff or a flow
    /// copied them; the notices' HTML the same way.
    /// </summary>
    private static Func<string?, string?> IdentityMask(Complaint? complaint, bool identityShown)
    {
        if (complaint is null || identityShown)
        {
            return text => text;
        }

        // Each value also as HTML-encoded, the form it takes inside a notice's document.
        var secrets = Secrets(complaint).SelectMany(v => new[] { v, System.Net.WebUtility.HtmlEncode(v) }).Distinct().OrderByDescending(v => v.Length).ToList();
        return text => text is null ? null : secrets.Aggregate(text, (masked, value) => masked.Replace(value, Masked, StringComparison.Ordinal));
    }

    /// <summary>The complainant's identifying values worth masking, longest first so a value inside another goes with it.</summary>
    private static List<string> Secrets(Complaint complaint) =>
        [.. new[] { complaint.ComplainantName, complaint.IdNumber, complaint.Phone, complaint.Email, complaint.Address }
            .OfType<string>().Where(v => v.Length >= 2).OrderByDescending(v => v.Length)];

    /// <summary>
    /// A mail's state as staff need it: a mail the server keeps refusing says so and when it is tried again, so a
    /// wrong address or a mail outage is seen before the complainant misses a notice (the error text stays in the log).
    /// </summary>
    private static string MailStatusText(MailStatus status, int attempts, DateTimeOffset nextAttemptAt) => status switch
    {
        MailStatus.Sent => "已发送",
        MailStatus.Failed => $"发送失败（已尝试 {attempts} 次，不再重试）",
        _ when attempts > 0 => $"待重试（已失败 {attempts} 次，下次 {Components.Staff.StaffFormat.Time(nextAttemptAt)}）",
        _ => "待发送",
    };

    /// <summary>
    /// A notice's HTML when its case is in the user's scope; checks the scope rule alone, not the whole file. The case
    /// is the notice's root flow: a notice of a flow started under the case (a 督办通知书 of 特邀监督员选派, a 问责's
    /// documents under their own number) is opened, and masked, as the case's own.
    /// </summary>
    public async Task<string?> NoticeHtmlAsync(Guid noticeId, CancellationToken cancellationToken)
    {
        var notice = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == noticeId, cancellationToken);
        if (notice is null || await RootOfAsync(notice.InstanceId, cancellationToken) is not { CorrelationId: { } caseNumber } root)
        {
            return null;
        }

        if (await InScopeAsync(caseNumber, cancellationToken) is not { } found || found.Instance.Id != root.Id)
        {
            return null;
        }

        // Notices to the complainant name them (and may quote their contact details); staff who may not know who
        // complained read the same document with those values masked, as on the case page.
        var (instance, complaint) = found;
        return IdentityMask(complaint, complaint is null || await IdentityShownAsync(instance.Id, cancellationToken))(notice.Html);
    }

    private sealed record RootRow(Guid Id, string? CorrelationId);

    /// <summary>The top of the flow tree <paramref name="instanceId"/> belongs to (itself when it has no parent): one recursive query.</summary>
    private async Task<RootRow?> RootOfAsync(Guid instanceId, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<RootRow>($"""
            WITH RECURSIVE "up"("Id", "ParentInstanceId", "CorrelationId") AS (
                SELECT "Id", "ParentInstanceId", "CorrelationId" FROM "workflow_instances" WHERE "Id" = {instanceId}
                UNION ALL
                SELECT "i"."Id", "i"."ParentInstanceId", "i"."CorrelationId" FROM "workflow_instances" AS "i" JOIN "up" ON "i"."Id" = "up"."ParentInstanceId")
            SELECT "Id", "CorrelationId" FROM "up" WHERE "ParentInstanceId" IS NULL
            """).ToListAsync(cancellationToken)).FirstOrDefault();
}
