using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Features.Attachments;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Public;

/// <summary>The form's file input, posted as a browser without JavaScript posts it (multipart).</summary>
public sealed class AttachmentFieldTests : IAsyncLifetime
{
    private readonly Support.WorkflowHost _host = Browser.StubFlowHost();
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

    private Task<T> DbAsync<T>(Func<WorkflowDbContext, Task<T>> query) =>
        _host.InScopeAsync(sp => query(sp.GetRequiredService<WorkflowDbContext>()));

    [Fact]
    public async Task Get_RendersAMultipartFormWithAFileInputForSeveralFiles_WhenOpened()
    {
        var page = await _browser.GetAsync("/");

        page.Html.Should().Contain("enctype=\"multipart/form-data\"")
            .And.Contain("<label for=\"attachments\">")
            .And.MatchRegex("<input type=\"file\" id=\"attachments\" name=\"attachments\" multiple[^>]*accept=\"[^\"]*\\.pdf");
        page.ById("attachments-help").Should().Contain("最多 5 个文件，每个不超过 10 MB");
    }

    [Fact]
    public async Task Post_ShowsTheErrorAtTheFileFieldAndKeepsTheOtherValues_WhenAFileIsAProgramRenamedPdf()
    {
        var form = await _browser.GetAsync("/");

        var page = await _browser.SubmitWithFilesAsync(form, "/", "complaint", ComplaintFormTests.ValidForm(form), "attachments",
            ("照片.png", Uploads.Png()), ("发票.pdf", Uploads.Exe()));

        page.Status.Should().Be(HttpStatusCode.OK);
        page.ById("attachments-error").Should().StartWith("错误：“发票.pdf”：附件内容与文件类型不符", "the visitor must know which of the files to replace")
            .And.NotContain("照片.png");
        page.Text.Should().Contain("<a href=\"#attachments\">证据材料：“发票.pdf”：附件内容与文件类型不符");
        page.InputValue("Input.ComplainantName").Should().Be("次仁卓玛");
        page.SelectedValue("Input.Category").Should().Be("野蛮执法");
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task Post_ShowsTheErrorInTibetan_WhenThePageIsTibetan()
    {
        var form = await _browser.GetAsync("/?lang=bo");

        var page = await _browser.SubmitWithFilesAsync(form, "/?lang=bo", "complaint", ComplaintFormTests.ValidForm(form), "attachments",
            [.. Enumerable.Range(0, 6).Select(i => ($"{i}.pdf", Uploads.Pdf()))]);

        page.ById("attachments-error").Should().MatchRegex("[\u0F00-\u0FFF]").And.NotContain("附件");
    }

    [Fact]
    public async Task Post_StoresTheFileWithTheComplaint_WhenAValidPdfIsAttached()
    {
        var form = await _browser.GetAsync("/");

        var posted = await _browser.SubmitWithFilesAsync(form, "/", "complaint", ComplaintFormTests.ValidForm(form), "attachments", ("现场.pdf", Uploads.Pdf()));

        posted.Status.Should().Be(HttpStatusCode.Found, posted.Text);
        (await DbAsync(db => db.ComplaintAttachments.Select(a => a.FileName).ToListAsync())).Should().Equal("现场.pdf");
    }

    [Fact]
    public async Task Post_StoresNoAttachment_WhenTheFileInputIsLeftEmpty()
    {
        var form = await _browser.GetAsync("/");

        var posted = await _browser.SubmitWithFilesAsync(form, "/", "complaint", ComplaintFormTests.ValidForm(form), "attachments", ("", []));

        posted.Status.Should().Be(HttpStatusCode.Found, posted.Text);
        (await DbAsync(db => db.ComplaintAttachments.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task Post_Returns413_WhenTheFormIsOverTheRequestLimit()
    {
        var form = await _browser.GetAsync("/");
        var big = Uploads.Sized(9 * 1024 * 1024, Uploads.Pdf());

        var page = await _browser.SubmitWithFilesAsync(form, "/", "complaint", ComplaintFormTests.ValidForm(form), "attachments",
            [.. Enumerable.Range(0, 6).Select(i => ($"{i}.pdf", big))]);

        page.Status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        page.Text.Should().Contain("不能超过 51 MB").And.Contain("href=\"/\"");
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(0);
    }
}
