using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Activities;
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

    [Fact]
    public void Publish_KeepsAnActivitysPropertiesReadOnce_ButAReplacedPropertiesObjectIsReadAgain()
    {
        var task = new ActivityDefinition { Id = "review", Type = "HumanTask", Properties = new JsonObject { ["title"] = "受理审查", ["assignee"] = new JsonObject { ["role"] = "受理员" } } };
        var draft = new ActivityDefinition { Id = "review", Type = "HumanTask", Properties = (JsonObject)task.Properties.DeepClone() };
        new DefinitionCatalog().Publish(new WorkflowDefinition { Id = "flow", Name = "流程", Version = 1, Activities = [task] });

        HumanTask.Read(task).Should().BeSameAs(HumanTask.Read(task), "a published flow's properties never change, so every step shares one reading");
        HumanTask.Read(draft).Should().NotBeSameAs(HumanTask.Read(draft), "a draft the designer is editing is read as it stands");

        task.Properties = new JsonObject { ["title"] = "受理审查（改）", ["assignee"] = new JsonObject { ["role"] = "受理员" } };
        HumanTask.Read(task).Title.Should().Be("受理审查（改）");
    }
}
