using System.Text.Json.Nodes;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Notices;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Notices;

/// <summary>An admin's template text: checked with its position, previewed without being used, and used once put in place.</summary>
public sealed class NoticeOverrideTests
{
    private static readonly JsonObject Model = new()
    {
        ["task"] = new JsonObject { ["title"] = "受理审查", ["dueAt"] = "2026-03-05T10:00:00Z", ["unitName"] = "城关区司法局", ["assigneeName"] = "德吉", ["url"] = "/tasks/1" },
    };

    private static ScribanNoticeRenderer Fresh() => new(TemplatesFolder());

    [Fact]
    public void Check_ReportsLineAndColumn_WhenTextDoesNotParse()
    {
        var problems = ScribanNoticeRenderer.Check("email/task-reminder", "<p>第一行</p>\n<p>{{ if task.title }}</p>\n");

        problems.Should().NotBeEmpty();
        problems[0].Line.Should().BeGreaterThanOrEqualTo(2);
        problems[0].Column.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Preview_RendersInTheLayoutWithoutChangingTheTemplateInUse()
    {
        var renderer = Fresh();
        var original = renderer.Source("email/task-reminder");

        var html = renderer.Preview("email/task-reminder", "<p>预览：{{ task.title }}</p>", Model);

        html.Should().Contain("预览：受理审查").And.Contain("<html");
        renderer.Source("email/task-reminder").Should().Be(original);
        renderer.Render("email/task-reminder", Model).Should().NotContain("预览：");
    }

    [Fact]
    public void Override_IsUsedByTheNextRender_AndABrokenOneIsReportedWhenRendered()
    {
        var renderer = Fresh();

        renderer.Override("email/task-reminder", "<p>新版：{{ task.title }}</p>");
        var html = renderer.Render("email/task-reminder", Model);
        renderer.Override("email/task-reminder", "<p>{{ if }}</p>");
        var act = () => renderer.Render("email/task-reminder", Model);

        html.Should().Contain("新版：受理审查");
        act.Should().Throw<TemplateRenderException>().WithMessage("*email/task-reminder.sbn:1:*");
        renderer.Problems.Should().ContainSingle();
    }

    private static string TemplatesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZangZhiFa.Workflow.sln")))
            {
                return Path.Combine(dir.FullName, "templates");
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
