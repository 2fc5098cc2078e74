using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// The two lists that live inside flow definitions, edited as lists: the 重大执法决定 catalogue (the <c>RuleCheck</c>
/// rules of <c>legal-review</c>, activity <c>catalogue</c>) and the 免责 criteria (the boolean fields labelled
/// “免责：…” of the <c>determine</c> task of <c>accountability</c>, with the <c>grounds_check</c> condition that
/// requires one of them for 建议免责, rewritten from the list). A save edits the flow's draft — the existing draft when
/// there is one, else a copy of the latest version — through <see cref="WorkflowAdmin.SaveDraftAsync"/>, so it takes
/// effect when the draft is published in the designer, like any other change of a flow. Errors the validator finds in
/// the edited activities refuse the save. Journaled (kind <c>catalogue</c>) with the lists before and after, beside
/// the draft's own line.
/// </summary>
public sealed partial class CatalogueAdmin(WorkflowAdmin workflows, DefinitionCatalog catalog, IWorkflowStore store, TimeProvider time)
{
    public const string JournalKind = "catalogue";
    public const string LegalReviewFlow = "legal-review";
    public const string AccountabilityFlow = "accountability";
    public const string ExemptionPrefix = "免责：";

    private const string CatalogueActivity = "catalogue";
    private const string DetermineActivity = "determine";
    private const string GroundsActivity = "grounds_check";

    public sealed record Rule(string Id, string Label, string When);

    public sealed record Criterion(string Name, string Label);

    /// <summary>A list as the page shows it, and where it comes from (草稿 or vN).</summary>
    public sealed record Catalogue<T>(string Source, IReadOnlyList<T> Items);

    public async Task<Catalogue<Rule>?> RulesAsync(CancellationToken cancellationToken)
    {
        var (definition, source) = await BaseAsync(LegalReviewFlow, cancellationToken);
        return definition?.Activities.FirstOrDefault(a => a.Id == CatalogueActivity) is { } activity ? new(source, ReadRules(activity)) : null;
    }

    public async Task<Catalogue<Criterion>?> CriteriaAsync(CancellationToken cancellationToken)
    {
        var (definition, source) = await BaseAsync(AccountabilityFlow, cancellationToken);
        return definition?.Activities.FirstOrDefault(a => a.Id == DetermineActivity) is { } activity ? new(source, ReadCriteria(activity)) : null;
    }

    /// <summary>Puts <paramref name="rules"/> into the legal-review draft; returns the errors (nothing saved) or none.</summary>
    public async Task<IReadOnlyList<string>> SaveRulesAsync(IReadOnlyList<Rule> rules, string actor, CancellationToken cancellationToken)
    {
        var (definition, _) = await BaseAsync(LegalReviewFlow, cancellationToken);
        if (definition?.Activities.FirstOrDefault(a => a.Id == CatalogueActivity) is not { } activity)
        {
            return ["流程 legal-review 中没有重大执法决定目录（catalogue 节点）"];
        }

        var before = ReadRules(activity);
        activity.Properties["rules"] = new JsonArray([.. rules.Select(r => (JsonNode)new JsonObject
        {
            ["id"] = r.Id.Trim(),
            ["label"] = r.Label.Trim(),
            ["when"] = r.When.Trim(),
        })]);
        return await SaveAsync(definition, [CatalogueActivity], "legal-review", "重大执法决定法制审核目录", before, rules, actor, cancellationToken);
    }

    /// <summary>Puts <paramref name="criteria"/> into the accountability draft (form fields and the grounds check); returns the errors or none.</summary>
    public async Task<IReadOnlyList<string>> SaveCriteriaAsync(IReadOnlyList<Criterion> criteria, string actor, CancellationToken cancellationToken)
    {
        var (definition, _) = await BaseAsync(AccountabilityFlow, cancellationToken);
        var determine = definition?.Activities.FirstOrDefault(a => a.Id == DetermineActivity);
        var grounds = definition?.Activities.FirstOrDefault(a => a.Id == GroundsActivity);
        if (definition is null || determine?.Properties["form"] is not JsonArray form || grounds?.Properties["cases"] is not JsonArray cases || cases.Count == 0)
        {
            return ["流程 accountability 中没有责任认定任务（determine）或免责依据核对（grounds_check）"];
        }

        var problems = new List<string>();
        if (criteria.Count == 0)
        {
            problems.Add("至少需要一项免责情形");
        }

        var others = form.Where(f => !IsExemption(f)).Select(f => f?["name"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var criterion in criteria)
        {
            if (criterion.Name is null || !NamePattern().IsMatch(criterion.Name))
            {
                problems.Add($"字段名 “{criterion.Name}” 须以字母开头，只含字母、数字和下划线");
            }
            else if (!names.Add(criterion.Name) || others.Contains(criterion.Name))
            {
                problems.Add($"字段名 “{criterion.Name}” 重复");
            }

            if (string.IsNullOrWhiteSpace(criterion.Label))
            {
                problems.Add($"“{criterion.Name}” 须有说明");
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        var before = ReadCriteria(determine);
        var at = form.Select((f, i) => (f, i)).FirstOrDefault(p => IsExemption(p.f), (null, form.Count)).i;
        foreach (var old in form.Where(IsExemption).ToList())
        {
            form.Remove(old);
        }

        for (var i = 0; i < criteria.Count; i++)
        {
            var label = criteria[i].Label.Trim();
            form.Insert(at + i, new JsonObject
            {
                ["name"] = criteria[i].Name,
                ["label"] = label.StartsWith(ExemptionPrefix, StringComparison.Ordinal) ? label : ExemptionPrefix + label,
                ["type"] = "boolean",
            });
        }

        // 建议免责 needs at least one criterion ticked: the first case of grounds_check says which fields count.
        cases[0]!["when"] = $"determine.outcome == '建议免责' && !({string.Join(" || ", criteria.Select(c => $"determine.fields.{c.Name} == true"))})";
        return await SaveAsync(definition, [DetermineActivity, GroundsActivity], "accountability", "尽职免责情形", before, criteria, actor, cancellationToken);
    }

    private async Task<IReadOnlyList<string>> SaveAsync(WorkflowDefinition definition, string[] activities, string key, string what, object before, object after, string actor, CancellationToken cancellationToken)
    {
        var json = WorkflowDefinitionSerializer.Serialize(definition);
        var check = workflows.Check(definition.Id, json);
        var errors = check.Errors.Where(e => e.ActivityId is null || activities.Contains(e.ActivityId)).Select(e => e.Text).ToList();
        if (errors.Count > 0)
        {
            return errors;
        }

        // Added before the draft is saved, so both lines commit together with the draft.
        AdminJournal.Record(store, time, JournalKind, key, "catalogue-saved", actor, $"修改{what}（流程 {definition.Id} 的草稿，发布后生效）", before, after);
        var result = await workflows.SaveDraftAsync(definition.Id, json, actor, cancellationToken);
        return [.. result.Errors.Select(e => e.Text)];
    }

    /// <summary>The flow's draft when there is one (work continues on it), else the latest version.</summary>
    private async Task<(WorkflowDefinition? Definition, string Source)> BaseAsync(string definitionId, CancellationToken cancellationToken)
    {
        if (await workflows.DraftAsync(definitionId, cancellationToken) is { } draft)
        {
            return (WorkflowDefinitionSerializer.Deserialize(draft, definitionId + ".json"), "草稿");
        }

        return catalog.FindLatest(definitionId) is { } latest
            ? (WorkflowDefinitionSerializer.Deserialize(WorkflowDefinitionSerializer.Serialize(latest), definitionId + ".json"), $"v{latest.Version}")
            : (null, "");
    }

    private static List<Rule> ReadRules(ActivityDefinition activity) =>
        [.. (activity.Properties["rules"] as JsonArray ?? []).Select(r => new Rule(Text(r?["id"]), Text(r?["label"]), Text(r?["when"])))];

    private static List<Criterion> ReadCriteria(ActivityDefinition activity) =>
        [.. (activity.Properties["form"] as JsonArray ?? []).Where(IsExemption)
            .Select(f => new Criterion(Text(f?["name"]), Text(f?["label"])[ExemptionPrefix.Length..]))];

    private static bool IsExemption(JsonNode? field) =>
        Text(field?["type"]) == "boolean" && Text(field?["label"]).StartsWith(ExemptionPrefix, StringComparison.Ordinal);

    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();

    public sealed record RulesRequest(IReadOnlyList<Rule> Rules);

    public sealed record CriteriaRequest(IReadOnlyList<Criterion> Criteria);

    /// <summary>
    /// <c>GET/PUT /api/admin/catalogues/legal-review</c> <c>{ rules: [{ id, label, when }] }</c> and
    /// <c>GET/PUT /api/admin/catalogues/exemptions</c> <c>{ criteria: [{ name, label }] }</c>: GET answers
    /// <c>{ source, items }</c>; PUT 204 (the flow's draft now holds the list) or 400 with <c>errors.list</c>.
    /// </summary>
    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/catalogues/legal-review", async Task<Results<Ok<Catalogue<Rule>>, NotFound>> (CatalogueAdmin catalogues, CancellationToken cancellationToken) =>
            await catalogues.RulesAsync(cancellationToken) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound());
        admin.MapGet("/catalogues/exemptions", async Task<Results<Ok<Catalogue<Criterion>>, NotFound>> (CatalogueAdmin catalogues, CancellationToken cancellationToken) =>
            await catalogues.CriteriaAsync(cancellationToken) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound());
        admin.MapPut("/catalogues/legal-review", async (RulesRequest request, CatalogueAdmin catalogues, StaffUserContext user, CancellationToken cancellationToken) =>
            Answer(await catalogues.SaveRulesAsync(request.Rules ?? [], user.UserName, cancellationToken)));
        admin.MapPut("/catalogues/exemptions", async (CriteriaRequest request, CatalogueAdmin catalogues, StaffUserContext user, CancellationToken cancellationToken) =>
            Answer(await catalogues.SaveCriteriaAsync(request.Criteria ?? [], user.UserName, cancellationToken)));
    }

    private static Results<NoContent, ValidationProblem> Answer(IReadOnlyList<string> errors) =>
        errors.Count == 0
            ? TypedResults.NoContent()
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["list"] = [.. errors] }, title: "目录有误，未保存");
}
