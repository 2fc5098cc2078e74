using System.Net;
using System.Text.RegularExpressions;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Public;

/// <summary>The public pages on the shipped <c>workflows/complaint-intake.json</c>: form → receipt → tracking.</summary>
public sealed class ShippedFlowTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();
    private Browser _browser = null!;

    public Task InitializeAsync()
    {
        _browser = new Browser(_host);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task FormToTracking_ShowsTheIntakeStageAndTheReceiptNotice_WithTheShippedFlow()
    {
        var form = await _browser.GetAsync("/");
        var receipt = await _browser.FollowAsync(await _browser.SubmitAsync(form, "/", "complaint", ComplaintFormTests.ValidForm(form)));

        var tracking = await _browser.GetAsync("/track");
        var notice = await _browser.GetAsync(Regex.Match(tracking.Html, "/track/notices/[0-9a-f-]{36}").Value);

        receipt.ById("tracking-number").Should().Be("TS-2026-000001");
        tracking.ById("status").Should().Be("办理中");
        tracking.ById("stage").Should().Be("待受理");
        tracking.Text.Should().Contain("投诉举报已登记，等待受理审查").And.Contain("投诉举报受理回执");
        notice.Status.Should().Be(HttpStatusCode.OK);
        notice.Text.Should().Contain("TS-2026-000001");
    }
}
