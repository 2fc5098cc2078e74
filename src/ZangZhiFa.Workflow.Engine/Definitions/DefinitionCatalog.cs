using ZangZhiFa.Workflow.Engine.Abstractions;

namespace ZangZhiFa.Workflow.Engine.Definitions;

/// <summary>
/// Published definitions held in memory, every version of each. Loaded from the <c>workflows/</c> folder
/// at start-up; the designer publishes new versions into it.
/// </summary>
public sealed class DefinitionCatalog : IWorkflowDefinitionProvider
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedList<int, WorkflowDefinition>> _byId = new(StringComparer.Ordinal);
    private readonly HashSet<(string Id, int Version)> _retired = [];

    public IReadOnlyCollection<string> Ids
    {
        get
        {
            lock (_gate)
            {
                return [.. _byId.Keys];
            }
        }
    }

    public void Publish(WorkflowDefinition definition)
    {
        lock (_gate)
        {
            if (!_byId.TryGetValue(definition.Id, out var versions))
            {
                _byId[definition.Id] = versions = [];
            }

            versions[definition.Version] = definition;
        }

        foreach (var activity in definition.Activities)
        {
            activity.Published = true;
        }
    }

    /// <summary>Every published version of <paramref name="definitionId"/>, oldest first.</summary>
    public IReadOnlyList<WorkflowDefinition> Versions(string definitionId)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(definitionId, out var versions) ? [.. versions.Values] : [];
        }
    }

    /// <summary>The version new instances start on: the highest that is not retired.</summary>
    public WorkflowDefinition? FindLatest(string definitionId)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(definitionId, out var versions)
                ? versions.Values.LastOrDefault(d => !_retired.Contains((definitionId, d.Version)))
                : null;
        }
    }

    /// <summary>The highest version number ever published, retired or not; a new version goes above it.</summary>
    public int MaxVersion(string definitionId)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(definitionId, out var versions) && versions.Count > 0 ? versions.Keys[^1] : 0;
        }
    }

    /// <summary>
    /// Takes a version out of use for new instances (停用). It stays in the catalog: instances already running on it
    /// carry on and find it by number.
    /// </summary>
    public void Retire(string definitionId, int version)
    {
        lock (_gate)
        {
            _retired.Add((definitionId, version));
        }
    }

    public bool IsRetired(string definitionId, int version)
    {
        lock (_gate)
        {
            return _retired.Contains((definitionId, version));
        }
    }

    public WorkflowDefinition? Find(string definitionId, int version)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(definitionId, out var versions) && versions.TryGetValue(version, out var definition) ? definition : null;
        }
    }

    /// <summary>
    /// Reads every <c>*.json</c> definition in <paramref name="folder"/> and validates each (subflow references
    /// are checked against the folder's ids). Returns the valid definitions and every error found.
    /// </summary>
    public static (IReadOnlyList<WorkflowDefinition> Definitions, IReadOnlyList<ValidationError> Errors) LoadFolder(string folder, WorkflowValidator validator)
    {
        var errors = new List<ValidationError>();
        var loaded = new List<(string File, WorkflowDefinition Definition)>();
        foreach (var path in Directory.EnumerateFiles(folder, "*.json").Where(p => !p.EndsWith(".schema.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var file = Path.GetFileName(path);
            try
            {
                loaded.Add((file, WorkflowDefinitionSerializer.Deserialize(File.ReadAllText(path), file)));
            }
            catch (DefinitionFormatException ex)
            {
                errors.Add(new ValidationError(file, null, null, null, ex.Message[(file.Length + 2)..]));
            }
        }

        var ids = loaded.Select(l => l.Definition.Id).ToHashSet(StringComparer.Ordinal);
        var valid = new List<WorkflowDefinition>();
        foreach (var (file, definition) in loaded)
        {
            var found = validator.Validate(definition, file, ids);
            if (loaded.Count(l => l.Definition.Id == definition.Id && l.Definition.Version == definition.Version) > 1)
            {
                found = [.. found, new ValidationError(file, null, null, "id", $"流程 “{definition.Id}” v{definition.Version} 在多个文件中出现 (duplicate definition id/version)")];
            }

            errors.AddRange(found);
            if (found.Count == 0)
            {
                valid.Add(definition);
            }
        }

        return (valid, errors);
    }
}
