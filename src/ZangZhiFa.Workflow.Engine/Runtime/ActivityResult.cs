namespace ZangZhiFa.Workflow.Engine.Runtime;

/// <summary>What an activity did when it ran or was resumed.</summary>
public sealed class ActivityResult
{
    private ActivityResult(ActivityResultKind kind, IReadOnlyList<string> outcomes, IReadOnlyList<ScopeFrame>? scope, IReadOnlyDictionary<string, ScopeFrame>? branchScopes)
    {
        Kind = kind;
        Outcomes = outcomes;
        Scope = scope;
        BranchScopes = branchScopes;
    }

    public ActivityResultKind Kind { get; }

    public IReadOnlyList<string> Outcomes { get; }

    /// <summary>Scope the next activities run in, when the activity changed it (a join leaves its fork).</summary>
    public IReadOnlyList<ScopeFrame>? Scope { get; }

    /// <summary>For a fork: the frame pushed for each outcome.</summary>
    public IReadOnlyDictionary<string, ScopeFrame>? BranchScopes { get; }

    /// <summary>Done; follow the connection of <paramref name="outcome"/>.</summary>
    public static ActivityResult Done(string outcome) => new(ActivityResultKind.Completed, [outcome], null, null);

    internal static ActivityResult DoneInScope(string outcome, IReadOnlyList<ScopeFrame> scope) =>
        new(ActivityResultKind.Completed, [outcome], scope, null);

    internal static ActivityResult Branch(IReadOnlyDictionary<string, ScopeFrame> branches) =>
        new(ActivityResultKind.Completed, [.. branches.Keys], null, branches);

    /// <summary>Waiting on the bookmark(s) the activity created.</summary>
    public static ActivityResult Wait { get; } = new(ActivityResultKind.Waiting, [], null, null);

    /// <summary>This path ends here (a join still waiting for other branches, a path end).</summary>
    public static ActivityResult EndPath { get; } = new(ActivityResultKind.PathEnded, [], null, null);

    /// <summary>The whole instance ends now; anything still pending is cancelled.</summary>
    public static ActivityResult Terminate { get; } = new(ActivityResultKind.Terminated, [], null, null);
}

public enum ActivityResultKind
{
    Completed,
    Waiting,
    PathEnded,
    Terminated,
}
