using ZangZhiFa.Workflow.Engine.Tests.Support;
using ZangZhiFa.Workflow.Web.Cli;

namespace ZangZhiFa.Workflow.Web.Tests.Cli;

public sealed class ValidateCommandTests
{
    [Fact]
    public void Run_ExitsZero_WhenEveryShippedDefinitionIsValid()
    {
        var output = new StringWriter();

        var exit = ValidateCommand.Run([Path.Combine(RepoPaths.Root, "workflows")], output);

        exit.Should().Be(0, output.ToString());
        output.ToString().Should().MatchRegex(@"\d+ definition\(s\) valid");
    }

    [Fact]
    public void Run_ExitsOneWithOneLinePerError_WhenAFileIsBroken()
    {
        var folder = Directory.CreateTempSubdirectory("zzf-cli-").FullName;
        var demo = File.ReadAllText(Path.Combine(RepoPaths.Root, "workflows", "demo-supervision.json"));
        File.WriteAllText(Path.Combine(folder, "broken.json"), demo
            .Replace("\"type\": \"Join\"", "\"type\": \"Merge\"", StringComparison.Ordinal)
            .Replace("\"templates/none\"", "x", StringComparison.Ordinal)
            .Replace("\"notices/demo-result\"", "\"notices/missing\"", StringComparison.Ordinal));
        var output = new StringWriter();

        var exit = ValidateCommand.Run([folder], output);

        exit.Should().Be(1);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().Contain(l => l.StartsWith("broken.json: activity 'merge' property 'type': 未知节点类型 (unknown type) “Merge”", StringComparison.Ordinal));
        lines.Should().Contain("broken.json: activity 'notify_result' property 'template': 未知文书模板 (unknown template) “notices/missing”");
        lines[^1].Should().MatchRegex(@"^\d+ error\(s\); 0 definition\(s\) valid$");
    }

    [Fact]
    public void Run_FindsTheRepositoryFolder_WhenStartedInsideTheProjectFolderAsDotnetRunDoes()
    {
        var output = new StringWriter();

        var exit = ValidateCommand.Run(["workflows"], output, Path.Combine(RepoPaths.Root, "src", "ZangZhiFa.Workflow.Web"));

        exit.Should().Be(0, output.ToString());
    }

    [Fact]
    public void Run_ExitsTwo_WhenFolderIsMissing() =>
        ValidateCommand.Run(["/no/such/folder"], new StringWriter()).Should().Be(2);

    [Fact]
    public void Run_ExitsTwoSayingSo_WhenTheFolderHoldsNoDefinition()
    {
        var folder = Directory.CreateTempSubdirectory("zzf-empty-").FullName;
        try
        {
            var output = new StringWriter();
            ValidateCommand.Run([folder], output).Should().Be(2, "checking nothing is not success: the wrong folder was named");
            output.ToString().Should().Contain("no workflow definitions");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
