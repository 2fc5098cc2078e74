namespace ZangZhiFa.Workflow.Infrastructure.Supervisors;

/// <summary>A supervisor considered for a case: how much they already carry, and why they may not take it (null: eligible).</summary>
public sealed record SupervisorCandidate(string UserName, string Name, string Category, int Load, string? Conflict);

/// <summary>The draw and everything needed to audit it: who was eligible with what chance, who was left out and why.</summary>
public sealed record SupervisorDraw(SupervisorCandidate? Chosen, IReadOnlyList<(SupervisorCandidate Candidate, double Probability)> Eligible, IReadOnlyList<SupervisorCandidate> Excluded)
{
    public double ChosenProbability => Eligible.FirstOrDefault(e => e.Candidate == Chosen).Probability;
}

/// <summary>
/// Draws an invited supervisor at random, weighted toward the least loaded: weight 1 / (1 + open assignments), so
/// an idle supervisor is twice as likely as one with a case and four times as likely as one with three. Random,
/// so nobody can steer a case to a chosen supervisor; weighted, so the work spreads out. Conflicted supervisors
/// have weight zero — never drawn.
/// </summary>
public static class SupervisorSelector
{
    public static double Weight(int load) => 1.0 / (1 + Math.Max(0, load));

    public static SupervisorDraw Draw(IReadOnlyList<SupervisorCandidate> candidates, Random random)
    {
        var eligible = candidates.Where(c => c.Conflict is null).ToList();
        var excluded = candidates.Where(c => c.Conflict is not null).ToList();
        var total = eligible.Sum(c => Weight(c.Load));
        var odds = eligible.Select(c => (c, Weight(c.Load) / total)).ToList();
        if (eligible.Count == 0)
        {
            return new SupervisorDraw(null, odds, excluded);
        }

        var point = random.NextDouble() * total;
        foreach (var candidate in eligible)
        {
            point -= Weight(candidate.Load);
            if (point < 0)
            {
                return new SupervisorDraw(candidate, odds, excluded);
            }
        }

        // Rounding can leave the point a hair past the last weight.
        return new SupervisorDraw(eligible[^1], odds, excluded);
    }
}
