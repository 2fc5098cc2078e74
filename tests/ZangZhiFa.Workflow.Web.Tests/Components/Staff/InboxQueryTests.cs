using System.Net;
using System.Text.RegularExpressions;
using ZangZhiFa.Workflow.Web.Tests.Components.Public;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Staff;

/// <summary>The inbox page's query values: a link someone mangled still opens the inbox, as if the value were not there.</summary>
public sealed partial class InboxQueryTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public async Task InitializeAsync()
    {
        using var publicClient = _host.CreateClient();
        await SubmitAsync(publicClient, ValidComplaint());
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<Browser> ClerkAsync()
    {
        var browser = new Browser(_host);
        var form = await browser.GetAsync("/login");
        await browser.SubmitAsync(form, "/login", "login", [new("Input.UserName", "clerk.chengguan"), new("Input.Password", StaffClients.Password), new("ReturnUrl", "")]);
        return browser;
    }

    [Theory]
    [InlineData("page=abc")]
    [InlineData("page=99999999999")]
    [InlineData("page=2147483647")]
    [InlineData("page=-3")]
    [InlineData("overdue=maybe")]
    [InlineData("near=x")]
    [InlineData("page=abc&overdue=maybe&near=x")]
    public async Task Tasks_ShowsTheInboxAsIfTheValueWereNotGiven_WhenAQueryValueCannotBeUsed(string query)
    {
        using var clerk = await ClerkAsync();

        var page = await clerk.GetAsync("/tasks?" + query);

        page.Status.Should().Be(HttpStatusCode.OK, page.Text);
        page.Text.Should().Contain("第 1 页");
        TaskIds().Matches(page.Html).Should().ContainSingle("the complaint's 受理 task is listed as on the plain inbox");
        page.IsChecked("overdue").Should().BeFalse();
        page.IsChecked("near").Should().BeFalse();
    }

    [Fact]
    public async Task Tasks_AppliesTheFilters_WhenTheValuesAreUsable()
    {
        using var clerk = await ClerkAsync();

        var page = await clerk.GetAsync("/tasks?overdue=true&near=True");

        page.Status.Should().Be(HttpStatusCode.OK);
        page.IsChecked("overdue").Should().BeTrue();
        page.IsChecked("near").Should().BeTrue();
        page.Text.Should().Contain("没有待办任务", "the new task is neither overdue nor near its deadline");
    }

    [GeneratedRegex("data-task-id=\"([0-9a-f-]{36})\"")]
    private static partial Regex TaskIds();
}
