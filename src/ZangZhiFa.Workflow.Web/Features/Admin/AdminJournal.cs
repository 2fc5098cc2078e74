using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Model;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// Journal lines for admin changes (org units, users, the supervisor pool, the calendar, templates, catalogues):
/// who, what, and the record before and after, in the same hash chain as the case records. Each changed thing is its
/// own chain under the case key <c>admin:{kind}:{key}</c>, like <see cref="WorkflowAdmin.JournalCasePrefix"/> for flows.
/// The line is added to the caller's unit of work, so it commits with the change or not at all.
/// </summary>
public static class AdminJournal
{
    public const string Prefix = "admin:";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>The case key lines about <paramref name="kind"/> <paramref name="key"/> are filed under.</summary>
    public static string CaseKey(string kind, string key) => $"{Prefix}{kind}:{key}";

    /// <summary>
    /// Adds a line: <paramref name="what"/> in words, then the record before and after as JSON (<c>null</c> for a
    /// creation). Pass snapshots, not tracked entities, so the line shows the values, not EF's object graph.
    /// </summary>
    public static void Record(IWorkflowStore store, TimeProvider time, string kind, string key, string @event, string actor, string what, object? before, object? after) =>
        store.AddJournal(new JournalEntry
        {
            InstanceId = Guid.Empty,
            CorrelationId = CaseKey(kind, key),
            ActivityType = kind,
            Event = @event,
            Actor = actor,
            At = time.GetUtcNow(),
            Summary = $"{what}；修改前：{Serialize(before)}；修改后：{Serialize(after)}",
        });

    public static string Serialize(object? value) => value is null ? "（无）" : JsonSerializer.Serialize(value, Json);
}
