using System.Text.Json.Nodes;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Notices;

/// <summary>
/// <c>templates/samples/</c>: the models the admin's template editor previews against. A preview is only useful when
/// it looks like the notice a flow really issues, down to the title the flow gives it.
/// </summary>
public sealed class TemplateSamplesTests
{
    private static readonly string Root = FindRepositoryRoot();

    [Fact]
    public void Samples_TitleEachNoticeAsAShippedFlowIssuesIt()
    {
        var titles = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "workflows"), "*.json").Where(f => !f.EndsWith(".schema.json", StringComparison.Ordinal)))
        {
            foreach (var activity in JsonNode.Parse(File.ReadAllText(file))!["activities"]!.AsArray())
            {
                if (activity!["type"]!.GetValue<string>() == "SendNotice"
                    && activity["properties"]!["template"]?.GetValue<string>() is { } template
                    && activity["properties"]!["title"]?.GetValue<string>() is { } title)
                {
                    (titles.TryGetValue(template, out var set) ? set : titles[template] = []).Add(title);
                }
            }
        }

        var checkedSamples = 0;
        foreach (var sample in Directory.GetFiles(Path.Combine(Root, "templates", "samples", "notices"), "*.json"))
        {
            var template = "notices/" + Path.GetFileNameWithoutExtension(sample);
            var title = JsonNode.Parse(File.ReadAllText(sample))!["notice"]?["title"]?.GetValue<string>();
            if (titles.TryGetValue(template, out var issued))
            {
                issued.Should().Contain(title!, $"the preview of {template} should carry a title a flow gives it");
                checkedSamples++;
            }
        }

        checkedSamples.Should().BeGreaterThan(10, "every notice a shipped flow issues has a sample");
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZangZhiFa.Workflow.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"ZangZhiFa.Workflow.sln not found above {AppContext.BaseDirectory}");
    }
}
