using ZangZhiFa.Workflow.Engine.Definitions;

namespace ZangZhiFa.Workflow.Engine.Tests.Definitions;

public sealed class DefinitionCatalogTests
{
    private static DefinitionCatalog WithVersions(params int[] versions)
    {
        var catalog = new DefinitionCatalog();
        foreach (var version in versions)
        {
            catalog.Publish(new WorkflowDefinition { Id = "flow", Name = "流程", Version = version });
        }

        return catalog;
    }

    [Fact]
    public void FindLatest_ReturnsTheHighestVersionNotRetired_WhenTheNewestIsRetired()
    {
        var catalog = WithVersions(1, 2, 3);

        catalog.Retire("flow", 3);

        catalog.FindLatest("flow")!.Version.Should().Be(2);
        catalog.Find("flow", 3).Should().NotBeNull("instances running on a retired version still find it");
        catalog.MaxVersion("flow").Should().Be(3, "a new version goes above retired numbers too");
        catalog.IsRetired("flow", 3).Should().BeTrue();
        catalog.IsRetired("flow", 2).Should().BeFalse();
    }

    [Fact]
    public void FindLatest_ReturnsNull_WhenEveryVersionIsRetired()
    {
        var catalog = WithVersions(1);

        catalog.Retire("flow", 1);

        catalog.FindLatest("flow").Should().BeNull();
    }
}
