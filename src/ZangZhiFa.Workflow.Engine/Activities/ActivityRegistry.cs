namespace ZangZhiFa.Workflow.Engine.Activities;

/// <summary>The activity types a definition may use, by their <c>type</c> name.</summary>
public sealed class ActivityRegistry
{
    private readonly Dictionary<string, IActivity> _byType;

    public ActivityRegistry(IEnumerable<IActivity> activities) =>
        _byType = activities.ToDictionary(a => a.Type, StringComparer.Ordinal);

    /// <summary>All built-in activities.</summary>
    public static ActivityRegistry CreateDefault() => new(
    [
        new Start(), new End(), new HumanTask(), new Decision(), new SetVariables(), new SendNotice(),
        new Timer(), new Escalate(), new ExtendDeadline(), new Fork(), new Join(), new StartSubflow(), new WaitSignal(), new RuleCheck(), new Invoke(),
    ]);

    public IReadOnlyCollection<IActivity> All => _byType.Values;

    public bool TryGet(string type, out IActivity activity) => _byType.TryGetValue(type, out activity!);

    public IActivity Get(string type) =>
        _byType.TryGetValue(type, out var activity) ? activity : throw new KeyNotFoundException($"未知节点类型 “{type}”");
}
