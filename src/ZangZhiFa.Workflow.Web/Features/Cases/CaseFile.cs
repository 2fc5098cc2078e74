using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Complaints;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Cases;

/// <summary>The case file (案卷) as a staff member may see it: identity masked unless their role on the case needs it.</summary>
public sealed record CaseFile(
    string CaseNumber,
    string DefinitionId,
    int DefinitionVersion,
    string Status,
    CaseParties? Complaint,
    IReadOnlyList<CaseTask> Tasks,
    IReadOnlyList<CaseNotice> Notices,
    IReadOnlyList<CaseMail> Mails,
    IReadOnlyList<CaseEvent> Timeline);

public sealed record CaseParties(string Category, string Description, string? OccurredAt, string? Location, string RespondentUnitCode, string? RespondentOfficer, bool Anonymous, string ComplainantName, string IdNumber, string Phone, string Email, string Address, bool IdentityShown);

public sealed record CaseTask(Guid Id, string ActivityId, string Title, string? AssigneeRole, string? OrgUnitCode, string? AssigneeUser, string Status, DateTimeOffset CreatedAt, DateTimeOffset? DueAt, DateTimeOffset? CompletedAt, string? CompletedBy, string? Outcome, string? Comment, int EscalationLevel);

public sealed record CaseNotice(Guid Id, string Title, string? DocumentNumber, string? Audience, DateTimeOffset IssuedAt);

public sealed record CaseMail(string Subject, string To, string Status, DateTimeOffset? SentAt);

public sealed record CaseEvent(DateTimeOffset At, string Event, string? ActivityId, string? ActivityType, string? Outcome, string Actor, string? Summary)
{
    /// <summary>督办 entries: the Escalate activity's own steps and the notes it writes when it can go no higher.</summary>
    public bool IsEscalation => ActivityType == "Escalate" || Event.StartsWith("escalation", StringComparison.Ordinal);

    /// <summary>What happened, in Chinese (任务完成, 督办, 发出文书 …): see <see cref="JournalText"/>.</summary>
    public string Label => JournalText.Describe(Event, ActivityType);
}

/// <summary>
/// Which cases a staff member may open. A case is in scope when one of its tasks (or of its child flows) was ever
/// for the user or for a unit in the user's scope; never when the user's own unit is the complaint's respondent (被投诉单位). Checked in
/// the query, so a guessed case number finds nothing.
/// </summary>
public sealed class CaseQueries(WorkflowDbContext db, StaffUserContext user)
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
        var scope = (await user.ScopeAsync(cancellationToken)).ToList();
        var me = user.UserName;
        var poolMarker = "," + me + ",";
        var instance = await db.Instances.AsNoTracking()
            .Where(i => i.CorrelationId == caseNumber && i.ParentInstanceId == null)
            // Tasks of the case's child flows count too (they share its number): an invited supervisor's tasks
            // live in supervisor-assignment, and they must be able to read the case they supervise.
            // A pool candidate (法制审核协作) may read the file before claiming the review.
            .Where(i => db.Tasks.Any(t => t.CorrelationId == i.CorrelationId
                && (scope.Contains(t.OrgUnitCode!) || t.AssigneeUser == me || t.CompletedBy == me || (t.Candidates != null && t.Candidates.Contains(poolMarker)))))
            .Select(i => new CaseInstance(i.Id, i.DefinitionId, i.DefinitionVersion, i.Status))
            .FirstOrDefaultAsync(cancellationToken);
        if (instance is null)
        {
            return null;
        }

        var complaint = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.TrackingNumber == caseNumber, cancellationToken);
        if (complaint is not null && complaint.RespondentUnitCode == user.OrgUnitCode)
        {
            return null;
        }

        return (instance, complaint);
    }

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

    public async Task<CaseFile?> FindAsync(string caseNumber, CancellationToken cancellationToken)
    {
        if (await InScopeAsync(caseNumber, cancellationToken) is not { } found)
        {
            return null;
        }

        var (instance, complaint) = found;
        var tasks = await db.Tasks.AsNoTracking().Where(t => t.InstanceId == instance.Id).OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken);
        var notices = await db.Notices.AsNoTracking().Where(n => n.InstanceId == instance.Id).OrderBy(n => n.IssuedAt)
            .Select(n => new CaseNotice(n.Id, n.Title, n.DocumentNumber, n.Audience, n.IssuedAt)).ToListAsync(cancellationToken);
        var mails = await db.Mails.AsNoTracking().Where(m => m.InstanceId == instance.Id).ToListAsync(cancellationToken);
        var journal = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instance.Id).OrderBy(j => j.Sequence)
            .Select(j => new CaseEvent(j.At, j.Event, j.ActivityId, j.ActivityType, j.Outcome, j.Actor, j.Summary)).ToListAsync(cancellationToken);

        var identityShown = await IdentityShownAsync(instance.Id, cancellationToken);
        CaseParties? parties = complaint is null ? null : new CaseParties(
            complaint.Category, complaint.Description, complaint.OccurredAt, complaint.Location, complaint.RespondentUnitCode, complaint.RespondentOfficer, complaint.Anonymous,
            Show(complaint.ComplainantName), Show(complaint.IdNumber), Show(complaint.Phone), Show(complaint.Email), Show(complaint.Address), identityShown);

        return new CaseFile(caseNumber, instance.DefinitionId, instance.DefinitionVersion, instance.Status.ToString(), parties,
            [.. tasks.Select(t => new CaseTask(t.Id, t.ActivityId, t.Title, t.AssigneeRole, t.OrgUnitCode, t.AssigneeUser, t.Status.ToString(), t.CreatedAt, t.DueAt, t.CompletedAt, t.CompletedBy, t.Outcome, t.Comment, t.EscalationLevel))],
            notices,
            [.. mails.OrderBy(m => m.CreatedAt).Select(m => new CaseMail(m.Subject, m.To == complaint?.Email ? Show(m.To) : m.To, MailStatusText(m.Status), m.SentAt))],
            journal);

        string Show(string? value) => value is null ? "" : identityShown ? value : Masked;
    }

    private static string MailStatusText(MailStatus status) => status switch
    {
        MailStatus.Sent => "已发送",
        MailStatus.Failed => "发送失败",
        _ => "待发送",
    };

    /// <summary>A notice's HTML when its case is in the user's scope; checks the scope rule alone, not the whole file.</summary>
    public async Task<string?> NoticeHtmlAsync(Guid noticeId, CancellationToken cancellationToken)
    {
        var notice = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == noticeId, cancellationToken);
        if (notice?.CorrelationId is null)
        {
            return null;
        }

        if (await InScopeAsync(notice.CorrelationId, cancellationToken) is not { } found)
        {
            return null;
        }

        var (instance, complaint) = found;
        if (complaint is null || await IdentityShownAsync(instance.Id, cancellationToken))
        {
            return notice.Html;
        }

        // Notices to the complainant name them (and may quote their contact details); staff who may not know who
        // complained read the same document with those values masked, as on the case page.
        var html = notice.Html;
        foreach (var value in new[] { complaint.ComplainantName, complaint.IdNumber, complaint.Phone, complaint.Email, complaint.Address }
                     .Where(v => v is { Length: >= 2 }).OrderByDescending(v => v!.Length))
        {
            html = html.Replace(value!, Masked, StringComparison.Ordinal).Replace(System.Net.WebUtility.HtmlEncode(value!), Masked, StringComparison.Ordinal);
        }

        return html;
    }
}
