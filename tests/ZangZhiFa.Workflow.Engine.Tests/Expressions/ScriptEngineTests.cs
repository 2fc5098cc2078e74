using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Expressions;

namespace ZangZhiFa.Workflow.Engine.Tests.Expressions;

/// <summary>Expressions in definitions are data written by admins: they must compute what they say and reach nothing else.</summary>
public sealed class ScriptEngineTests
{
    private readonly ScriptEngine _scripts = new();

    private static JsonObject Scope() => new()
    {
        ["complaint"] = new JsonObject { ["category"] = "逐利执法", ["fine"] = 12000, ["enterprise"] = true },
        ["review"] = new JsonObject { ["outcome"] = "受理", ["fields"] = new JsonObject() },
    };

    [Theory]
    [InlineData("complaint.category == '逐利执法'", true)]
    [InlineData("complaint.fine >= 10000 && complaint.enterprise", true)]
    [InlineData("review.outcome == '不予受理'", false)]
    [InlineData("review.fields.reason == null", true)]
    public void EvaluateCondition_ComputesTheCondition_WhenVariablesArePresent(string expression, bool expected) =>
        _scripts.EvaluateCondition(expression, Scope()).Should().Be(expected);

    [Fact]
    public void Evaluate_ReturnsJsonValues_WhenExpressionBuildsThem()
    {
        var result = _scripts.Evaluate("{ unit: '540100', days: 5 * 2, tags: ['a', 'b'] }", Scope());

        result!.ToJsonString().Should().Be("""{"unit":"540100","days":10,"tags":["a","b"]}""");
    }

    [Fact]
    public void Evaluate_Throws_WhenTopLevelVariableIsUnknown()
    {
        var act = () => _scripts.Evaluate("complainant.name", Scope());

        act.Should().Throw<ExpressionException>().WithMessage("*complainant*");
    }

    [Theory]
    [InlineData("date.now")]
    [InlineData("date.utc_now")]
    public void Evaluate_CannotReadTheWallClock(string expression) =>
        _scripts.Evaluate(expression, Scope()).Should().BeNull("the flow's time is the injected `now`, never the server clock");

    [Fact]
    public void Render_CannotIncludeFiles() =>
        FluentActions.Invoking(() => _scripts.Render("{{ include '/etc/passwd' }}", Scope())).Should().Throw<ExpressionException>();

    [Fact]
    public void Evaluate_StopsRunawayLoops() =>
        FluentActions.Invoking(() => _scripts.Evaluate("x = 0; while true; x = x + 1; end; x", Scope())).Should().Throw<ExpressionException>();

    [Fact]
    public void Evaluate_ExposesNoDotNetMembers_OfStrings() =>
        _scripts.Evaluate("complaint.category.GetType", Scope()).Should().BeNull();

    [Fact]
    public void CheckExpression_ReportsLineAndColumn_WhenSyntaxIsBroken() =>
        _scripts.CheckExpression("a = (1 +").Should().EndWith("(1:9)", "the error is at the end of the input");

    [Fact]
    public void Evaluate_ForgetsWhatTheLastScriptAssigned_WhenTheNextOneRunsOnTheSameThread()
    {
        _scripts.Evaluate("secret = complaint.category; $local = 1; secret", Scope()).Should().NotBeNull();

        FluentActions.Invoking(() => _scripts.Evaluate("secret", new JsonObject())).Should().Throw<ExpressionException>()
            .WithMessage("*secret*", "one case's script must not leave values for the next case's");
        FluentActions.Invoking(() => _scripts.Render("{{ $local }}", new JsonObject())).Should().Throw<ExpressionException>()
            .WithMessage("*$local*");
    }

    [Fact]
    public void Evaluate_WorksNormally_AfterAScriptOnTheSameThreadFailedHalfway()
    {
        FluentActions.Invoking(() => _scripts.Render("{{ for i in 1..3 }}{{ if i == 2 }}{{ nothing.here }}{{ end }}{{ end }}", Scope()))
            .Should().Throw<ExpressionException>();

        _scripts.Render("{{ for i in 1..3 }}{{ i }}{{ end }}|{{ review.outcome }}", Scope()).Should().Be("123|受理");
    }

    [Fact]
    public void Evaluate_GivesEachScriptItsOwnTimeBudget_WhenManyRunOneAfterAnother()
    {
        // Each takes a few milliseconds; together they exceed one script's two-second budget many times over if the clock were shared.
        var started = Environment.TickCount64;
        var runs = 0;
        while (Environment.TickCount64 - started < 2_500)
        {
            _scripts.Evaluate("x = 0; for i in 1..2000; x = x + i; end; x", Scope())!.GetValue<long>().Should().Be(2_001_000);
            runs++;
        }

        runs.Should().BeGreaterThan(1);
    }
}
