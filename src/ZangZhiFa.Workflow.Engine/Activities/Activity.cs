using System.Text.Json;
using System.Text.Json.Serialization;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Engine.Runtime;

namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>
/// Base for activities with typed properties. Properties are read from the definition's raw JSON, so what the
/// designer stores is what runs (a published flow's are read once and kept: they never change); unknown properties
/// are rejected by validation. Activities must not change the properties object they are given.
/// </summary>
public abstract class Activity<TProperties> : IActivity
    where TProperties : class, new()
{
    private static readonly JsonSerializerOptions PropertyOptions = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        PropertyNameCaseInsensitive = false,
    };

    public abstract string Type { get; }

    public abstract string DisplayName { get; }

    public virtual bool CanWait(ActivityDefinition definition) => false;

    public bool CanReadProperties(ActivityDefinition definition) => TryRead(definition, out _, out _);

    public IReadOnlyList<string> GetOutcomes(ActivityDefinition definition) =>
        TryRead(definition, out var properties, out _) ? GetOutcomes(properties) : [];

    public void Validate(ActivityDefinition definition, DefinitionValidationContext context)
    {
        if (!TryRead(definition, out var properties, out var error))
        {
            context.Error(definition.Id, error.Property, error.Message);
            return;
        }

        Validate(properties, new PropertyValidator(definition.Id, context));
    }

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ExecuteAsync(context, Read(context.Activity));

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, Bookmark bookmark, ResumeInput input) =>
        ResumeAsync(context, Read(context.Activity), bookmark, input);

    protected virtual IReadOnlyList<string> GetOutcomes(TProperties properties) => [Outcomes.Done];

    /// <inheritdoc/>
    public virtual void RenameOutcome(ActivityDefinition definition, string from, string to)
    {
    }

    protected abstract void Validate(TProperties properties, PropertyValidator validator);

    protected abstract ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, TProperties properties);

    protected virtual ValueTask<ActivityResult> ResumeAsync(ActivityContext context, TProperties properties, Bookmark bookmark, ResumeInput input) =>
        throw new InvalidOperationException($"{Type} 节点不支持恢复");

    internal static TProperties Read(ActivityDefinition definition)
    {
        if (definition.Parsed is { } held && ReferenceEquals(held.Source, definition.Properties) && held.Value is TProperties kept)
        {
            return kept;
        }

        var source = definition.Properties;
        var parsed = source.Deserialize<TProperties>(PropertyOptions) ?? new TProperties();
        if (definition.Published)
        {
            // Activities only read their properties, so one object can serve every step of every instance.
            definition.Parsed = new ParsedProperties(source, parsed);
        }

        return parsed;
    }

    private static bool TryRead(ActivityDefinition definition, out TProperties properties, out (string? Property, string Message) error)
    {
        try
        {
            properties = Read(definition);
            error = default;
            return true;
        }
        catch (JsonException ex)
        {
            properties = new TProperties();
            var path = ex.Path is { Length: > 2 } p ? p[2..] : null;
            var message = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "未知属性 (unknown property)"
                : $"属性格式错误 (wrong type or format): {ex.Message}";
            error = (path, message);
            return false;
        }
    }
}

/// <summary>Outcome names shared by several activities.</summary>
public static class Outcomes
{
    /// <summary>The single outcome of activities that just carry on.</summary>
    public const string Done = "done";
}
