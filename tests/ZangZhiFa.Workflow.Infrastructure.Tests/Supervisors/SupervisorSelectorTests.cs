using ZangZhiFa.Workflow.Infrastructure.Supervisors;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Supervisors;

public sealed class SupervisorSelectorTests
{
    /// <summary>
    /// Absolute tolerance on a share over 10,000 draws: about four standard deviations for the largest expected share
    /// (√(0.36 × 0.64 / 10,000) ≈ 0.0048), so an honest draw passes and a bias of two points does not.
    /// </summary>
    private const double Tolerance = 0.02;

    private static readonly SupervisorCandidate[] Pool =
    [
        new("idle.a", "甲", "律师", 0, null),
        new("idle.b", "乙", "人大代表", 0, null),
        new("busy.c", "丙", "专家", 1, null),
        new("busier.d", "丁", "企业", 3, null),
        new("conflicted.e", "戊", "新闻工作者", 0, "任职于被监督单位"),
        new("declined.f", "己", "基层群众", 0, "本案已拒绝或逾期未答复"),
    ];

    [Fact]
    public void Draw_GivesEveryEligibleSupervisorItsWeightedShare_Over10000Draws()
    {
        var random = new Random(20261129);
        var counts = Pool.ToDictionary(c => c.UserName, _ => 0);

        for (var i = 0; i < 10_000; i++)
        {
            counts[SupervisorSelector.Draw(Pool, random).Chosen!.UserName]++;
        }

        // Weights 1, 1, 1/2, 1/4 → expected shares 4/11, 4/11, 2/11, 1/11.
        var expected = new Dictionary<string, double> { ["idle.a"] = 4 / 11.0, ["idle.b"] = 4 / 11.0, ["busy.c"] = 2 / 11.0, ["busier.d"] = 1 / 11.0 };
        foreach (var (user, share) in expected)
        {
            (counts[user] / 10_000.0).Should().BeApproximately(share, Tolerance, $"{user} is drawn in proportion to 1 / (1 + load)");
        }

        counts["conflicted.e"].Should().Be(0, "a conflicted supervisor is never drawn");
        counts["declined.f"].Should().Be(0);
    }

    [Fact]
    public void Draw_ReportsEachEligibleChanceAndEachExclusion_ForTheJournal()
    {
        var draw = SupervisorSelector.Draw(Pool, new Random(1));

        draw.Eligible.Select(e => (e.Candidate.UserName, Math.Round(e.Probability, 3))).Should()
            .Equal(("idle.a", 0.364), ("idle.b", 0.364), ("busy.c", 0.182), ("busier.d", 0.091));
        draw.Excluded.Select(c => c.UserName).Should().Equal("conflicted.e", "declined.f");
        draw.Chosen!.Conflict.Should().BeNull();
        draw.ChosenProbability.Should().BeOneOf(4 / 11.0, 2 / 11.0, 1 / 11.0);
    }

    [Fact]
    public void Draw_ChoosesNobody_WhenEveryoneIsConflicted()
    {
        var draw = SupervisorSelector.Draw([.. Pool.Where(c => c.Conflict is not null)], new Random(1));

        draw.Chosen.Should().BeNull();
        draw.Excluded.Should().HaveCount(2);
    }

    [Fact]
    public void Draw_SpreadsWorkEvenly_WhenEachAssignmentAddsToTheLoad()
    {
        var random = new Random(7);
        var loads = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0, ["c"] = 5 };

        for (var i = 0; i < 300; i++)
        {
            var pool = loads.Select(l => new SupervisorCandidate(l.Key, l.Key, "律师", l.Value, null)).ToList();
            loads[SupervisorSelector.Draw(pool, random).Chosen!.UserName]++;
        }

        loads.Values.Max().Should().BeLessThan(loads.Values.Min() + 30, "weighting by load pulls the busy supervisor's colleagues up to them");
        loads["c"].Should().BeGreaterThan(5, "the busiest is still drawn now and then: the draw stays random");
    }

    [Theory]
    [InlineData("2010-01-01", "本科", false, "律师", "聘任时未满十八周岁")]
    [InlineData("1980-01-01", "高中", false, "律师", "学历须为大专以上")]
    [InlineData("1980-01-01", "本科", true, "律师", "有处分、刑事处罚、行政拘留、开除公职或失信被执行人记录，不得聘任")]
    [InlineData("1980-01-01", "本科", false, "网红", "人员类别须为人大代表、政协委员、律师、新闻工作者、专家、企业、基层群众之一")]
    public void Check_NamesWhatBarsTheAppointment_WhenAConditionFails(string birth, string education, bool record, string category, string problem)
    {
        var person = new InvitedSupervisor
        {
            UserName = "x", Name = "某某", Category = category, RegionCode = "540000", TermStart = new DateOnly(2024, 1, 1),
            BirthDate = DateOnly.Parse(birth, System.Globalization.CultureInfo.InvariantCulture), Education = education, DisqualifyingRecord = record,
        };

        SupervisorSeeder.Check(person).Should().Equal(problem);
    }
}
