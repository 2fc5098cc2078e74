using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Definitions;
using ZangZhiFa.Workflow.Infrastructure.Persistence;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>One validator finding, as the designer and the API show it; <c>Text</c> is the line the <c>validate</c> command prints for it.</summary>
public sealed record DefinitionError(string? ActivityId, string? Connection, string? Property, string Message, string Text)
{
    public static DefinitionError From(ValidationError error) =>
        new(error.ActivityId, error.Connection, error.Property, error.Message, error.ToString());
}

/// <summary>A definition text read for an admin action: the model when it parsed, and what is wrong with it.</summary>
public sealed record ParsedDefinition(WorkflowDefinition? Definition, IReadOnlyList<DefinitionError> Errors);

/// <summary>The outcome of saving a draft or publishing: the version written, or why nothing was written.</summary>
public sealed record AdminChangeResult(int? Version, IReadOnlyList<DefinitionError> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>What retiring a version did.</summary>
public enum RetireResult
{
    Retired,
    NotFound,
    AlreadyRetired,
    LastInUse,
}

/// <summary>
/// What the admin console does with definitions, shared by the HTTP endpoints and the designer page so both
/// validate, version and journal the same way. Drafts and published versions are rows of
/// <see cref="StoredDefinition"/>; a published version also enters the <see cref="DefinitionCatalog"/>, where new
/// instances pick the latest while running ones keep the version they started on.
/// </summary>
public sealed class WorkflowAdmin(WorkflowDbContext db, IWorkflowStore store, DefinitionCatalog catalog, WorkflowValidator validator, TimeProvider time)
{
    /// <summary>Journal lines of admin changes are filed under this case key prefix, one chain per flow.</summary>
    public const string JournalCasePrefix = "admin:workflow:";

    /// <summary>Parses and validates <paramref name="json"/> as the definition <paramref name="definitionId"/>.</summary>
    public ParsedDefinition Check(string definitionId, string json, bool validate = true)
    {
        var file = definitionId + ".json";
        WorkflowDefinition definition;
        try
        {
            definition = WorkflowDefinitionSerializer.Deserialize(json, file);
        }
        catch (DefinitionFormatException ex)
        {
            // Same shape as DefinitionCatalog.LoadFolder reports a file that does not parse.
            return new(null, [DefinitionError.From(new ValidationError(file, null, null, null, ex.Message[(file.Length + 2)..]))]);
        }

        var errors = new List<ValidationError>();
        if (definition.Id != definitionId)
        {
            errors.Add(new ValidationError(file, null, null, "id", $"流程 id “{definition.Id}” 与地址中的 “{definitionId}” 不一致 (id differs from the URL)"));
        }

        if (validate)
        {
            // A subflow may name any flow the catalog knows, or this one (a new flow calling itself is still checked for cycles).
            var known = new HashSet<string>(catalog.Ids, StringComparer.Ordinal) { definition.Id };
            errors.AddRange(validator.Validate(definition, file, known));
        }

        return new(definition, [.. errors.Select(DefinitionError.From)]);
    }

    /// <summary>Every flow with its versions (shipped and published) and its draft, with instance counts per version.</summary>
    public async Task<IReadOnlyList<ListWorkflows.Item>> ListAsync(CancellationToken cancellationToken)
    {
        var counts = await db.Instances.AsNoTracking()
            .GroupBy(i => new { i.DefinitionId, i.DefinitionVersion })
            .Select(g => new { g.Key.DefinitionId, g.Key.DefinitionVersion, Count = g.Count(), Faulted = g.Count(i => i.Status == WorkflowStatus.Faulted) })
            .ToListAsync(cancellationToken);
        var faults = counts.Any(c => c.Faulted > 0)
            ? await db.Instances.AsNoTracking()
                .Where(i => i.Status == WorkflowStatus.Faulted)
                .OrderByDescending(i => i.UpdatedAt)
                .Take(500)
                .Select(i => new { i.DefinitionId, Case = new ListWorkflows.FaultedCase(i.CorrelationId, i.DefinitionVersion, i.Fault, i.UpdatedAt) })
                .ToListAsync(cancellationToken)
            : [];
        var drafts = await db.StoredDefinitions.AsNoTracking()
            .Where(d => d.Status == StoredDefinitionStatus.Draft)
            .Select(d => new { d.DefinitionId, d.SavedAt, d.SavedBy })
            .ToListAsync(cancellationToken);
        var ids = catalog.Ids.Concat(drafts.Select(d => d.DefinitionId)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return [.. ids.Select(id =>
        {
            var versions = catalog.Versions(id)
                .Select(d => new ListWorkflows.Version(
                    d.Version,
                    catalog.IsRetired(id, d.Version) ? "retired" : "published",
                    counts.Where(c => c.DefinitionId == id && c.DefinitionVersion == d.Version).Sum(c => c.Count),
                    counts.Where(c => c.DefinitionId == id && c.DefinitionVersion == d.Version).Sum(c => c.Faulted)))
                .ToList();
            var draft = drafts.FirstOrDefault(d => d.DefinitionId == id);
            if (draft is not null)
            {
                versions.Add(new ListWorkflows.Version(null, "draft", 0));
            }

            return new ListWorkflows.Item(id, (catalog.FindLatest(id) ?? catalog.Find(id, catalog.MaxVersion(id)))?.Name ?? id, versions, draft?.SavedAt, draft?.SavedBy,
                [.. faults.Where(f => f.DefinitionId == id).Take(ListWorkflows.FaultsListed).Select(f => f.Case)]);
        })];
    }

    /// <summary>A published version in the export format, or null.</summary>
    public string? Export(string definitionId, int version) =>
        catalog.Find(definitionId, version) is { } definition ? WorkflowDefinitionSerializer.Serialize(definition) : null;

    /// <summary>The draft's text, or null when the flow has none.</summary>
    public async Task<string?> DraftAsync(string definitionId, CancellationToken cancellationToken) =>
        await db.StoredDefinitions.AsNoTracking()
            .Where(d => d.DefinitionId == definitionId && d.Status == StoredDefinitionStatus.Draft)
            .Select(d => d.Json)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Saves the draft (replacing the previous one). A draft may still be invalid — it is work in progress — but it
    /// must parse, so it can be opened again; it is stored in the export format.
    /// </summary>
    public async Task<AdminChangeResult> SaveDraftAsync(string definitionId, string json, string actor, CancellationToken cancellationToken)
    {
        var parsed = Check(definitionId, json, validate: false);
        if (parsed.Definition is null || parsed.Errors.Count > 0)
        {
            return new(null, parsed.Errors);
        }

        var row = await db.StoredDefinitions.FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.Status == StoredDefinitionStatus.Draft, cancellationToken);
        var before = row is null ? catalog.FindLatest(definitionId) : WorkflowDefinitionSerializer.Deserialize(row.Json, definitionId);
        if (row is null)
        {
            row = new StoredDefinition { DefinitionId = definitionId, Status = StoredDefinitionStatus.Draft };
            db.StoredDefinitions.Add(row);
        }

        row.Json = WorkflowDefinitionSerializer.Serialize(parsed.Definition);
        row.SavedBy = actor;
        row.SavedAt = time.GetUtcNow();
        Journal(definitionId, "definition-draft-saved", actor, DefinitionDiff.Summary(before, parsed.Definition, "草稿"));
        await store.SaveChangesAsync(cancellationToken);
        return new(null, []);
    }

    /// <summary>
    /// Validates and publishes <paramref name="json"/> as the next version (one above the highest shipped or
    /// published); the draft, if any, is consumed. Nothing is written when the validator finds an error.
    /// </summary>
    public async Task<AdminChangeResult> PublishAsync(string definitionId, string json, string actor, CancellationToken cancellationToken)
    {
        var parsed = Check(definitionId, json);
        if (parsed.Definition is not { } definition || parsed.Errors.Count > 0)
        {
            return new(null, parsed.Errors);
        }

        var before = catalog.FindLatest(definitionId);
        var storedMax = await db.StoredDefinitions.Where(d => d.DefinitionId == definitionId && d.Version != null).MaxAsync(d => d.Version, cancellationToken) ?? 0;
        // Above every number ever used, retired ones included: a number is never given to two different flows.
        definition.Version = Math.Max(catalog.MaxVersion(definitionId), storedMax) + 1;
        var text = WorkflowDefinitionSerializer.Serialize(definition);
        db.StoredDefinitions.Add(new StoredDefinition
        {
            DefinitionId = definitionId,
            Version = definition.Version,
            Status = StoredDefinitionStatus.Published,
            Json = text,
            SavedBy = actor,
            SavedAt = time.GetUtcNow(),
        });
        var draft = await db.StoredDefinitions.FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.Status == StoredDefinitionStatus.Draft, cancellationToken);
        if (draft is not null)
        {
            db.StoredDefinitions.Remove(draft);
        }

        Journal(definitionId, "definition-published", actor, DefinitionDiff.Summary(before, definition, $"v{definition.Version}"));
        if (!await VersionedSave.TrySaveAsync(store, db, ct => VersionTakenAsync(definitionId, definition.Version, ct), cancellationToken))
        {
            // Another admin published the same number first (unique index); nothing of this attempt was written.
            return new(null, [DefinitionError.From(new ValidationError(definitionId + ".json", null, null, "version", $"v{definition.Version} 刚被其他管理员发布，请刷新后重试 (version taken)"))]);
        }

        // Only after the commit: an instance must never start on a version the database does not hold.
        catalog.Publish(WorkflowDefinitionSerializer.Deserialize(text, definitionId));
        return new(definition.Version, []);
    }

    /// <summary>
    /// Retires a published version (停用): no new instance starts on it, instances running on it carry on. The last
    /// version still in use cannot be retired — new cases would have no flow to start on.
    /// </summary>
    public async Task<RetireResult> RetireAsync(string definitionId, int version, string actor, CancellationToken cancellationToken)
    {
        if (catalog.Find(definitionId, version) is not { } definition)
        {
            return RetireResult.NotFound;
        }

        if (catalog.IsRetired(definitionId, version))
        {
            return RetireResult.AlreadyRetired;
        }

        if (catalog.Versions(definitionId).All(d => d.Version == version || catalog.IsRetired(definitionId, d.Version)))
        {
            return RetireResult.LastInUse;
        }

        var row = await db.StoredDefinitions.FirstOrDefaultAsync(d => d.DefinitionId == definitionId && d.Version == version, cancellationToken);
        if (row is null)
        {
            // A shipped version (a file): the row records the retirement and keeps the text it was retired with.
            db.StoredDefinitions.Add(new StoredDefinition
            {
                DefinitionId = definitionId,
                Version = version,
                Status = StoredDefinitionStatus.Retired,
                Json = WorkflowDefinitionSerializer.Serialize(definition),
                SavedBy = actor,
                SavedAt = time.GetUtcNow(),
            });
        }
        else
        {
            row.Status = StoredDefinitionStatus.Retired;
        }

        var running = await db.Instances.AsNoTracking().CountAsync(i => i.DefinitionId == definitionId && i.DefinitionVersion == version, cancellationToken);
        Journal(definitionId, "definition-retired", actor, $"v{version} 停用：新立案件改用 v{catalog.Versions(definitionId).Last(d => d.Version != version && !catalog.IsRetired(definitionId, d.Version)).Version}，已有 {running} 件案件继续按 v{version} 办理");
        await store.SaveChangesAsync(cancellationToken);
        // Only after the commit, as for publishing.
        catalog.Retire(definitionId, version);
        return RetireResult.Retired;
    }

    private async Task<bool> VersionTakenAsync(string definitionId, int version, CancellationToken cancellationToken) =>
        await db.StoredDefinitions.AsNoTracking().AnyAsync(d => d.DefinitionId == definitionId && d.Version == version, cancellationToken);

    private void Journal(string definitionId, string @event, string actor, string summary) =>
        store.AddJournal(new JournalEntry
        {
            // Not a case: the line is filed under the flow, so each flow's admin history is its own chain.
            InstanceId = Guid.Empty,
            CorrelationId = JournalCasePrefix + definitionId,
            ActivityType = "WorkflowDefinition",
            Event = @event,
            Actor = actor,
            At = time.GetUtcNow(),
            Summary = summary,
        });
}
