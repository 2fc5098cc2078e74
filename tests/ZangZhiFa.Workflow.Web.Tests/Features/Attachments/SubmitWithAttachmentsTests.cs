using System.Net;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Attachments.Uploads;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Attachments;

/// <summary><c>POST /api/complaints</c> as multipart/form-data: what is stored, where, and what is refused.</summary>
public sealed class SubmitWithAttachmentsTests : IAsyncLifetime
{
    private const long MB = 1024 * 1024;
    private readonly WorkflowHost _host = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _host.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    private string AttachmentsFolder => Path.Combine(_host.DataDirectory, "attachments");

    private string[] FilesOnDisk() =>
        Directory.Exists(AttachmentsFolder) ? Directory.GetFiles(AttachmentsFolder, "*", SearchOption.AllDirectories) : [];

    private Task<T> DbAsync<T>(Func<WorkflowDbContext, Task<T>> query) =>
        _host.InScopeAsync(sp => query(sp.GetRequiredService<WorkflowDbContext>()));

    [Fact]
    public async Task Submit_StoresTheFileUnderItsContentHash_WhenAPdfIsAttached()
    {
        var pdf = Pdf();
        var sha = Convert.ToHexStringLower(SHA256.HashData(pdf));

        var (response, body) = await SubmitAsync(_client, Form(ValidComplaint(), ("执法现场.pdf", pdf)));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var number = body!["trackingNumber"]!.GetValue<string>();
        var row = await DbAsync(db => db.ComplaintAttachments.AsNoTracking().SingleAsync());
        var complaint = await DbAsync(db => db.Complaints.AsNoTracking().SingleAsync(c => c.TrackingNumber == number));
        row.ComplaintId.Should().Be(complaint.Id);
        row.FileName.Should().Be("执法现场.pdf");
        row.ContentType.Should().Be("application/pdf");
        row.Size.Should().Be(pdf.Length);
        row.Sha256.Should().Be(sha);
        var path = Path.Combine(AttachmentsFolder, sha[..2], sha[2..4], sha);
        File.ReadAllBytes(path).Should().Equal(pdf);
        FilesOnDisk().Should().Equal([path], "the temp copy was moved, not left behind");
        path.Should().NotStartWith(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
    }

    [Fact]
    public async Task Submit_StoresIdenticalContentOnce_WhenTwoComplaintsAttachTheSameFile()
    {
        var pdf = Pdf();

        (await SubmitAsync(_client, Form(ValidComplaint(), ("a.pdf", pdf)))).Response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await SubmitAsync(_client, Form(ValidComplaint("另一件事：执法人员在冲赛康市场没收商户货物且未开具任何收据。"), ("b.pdf", pdf)))).Response.StatusCode.Should().Be(HttpStatusCode.Created);

        (await DbAsync(db => db.ComplaintAttachments.CountAsync())).Should().Be(2);
        FilesOnDisk().Should().ContainSingle();
    }

    [Theory]
    [InlineData("报告.docx", "[Content_Types].xml", "word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("台账.xlsx", "[Content_Types].xml", "xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    public async Task Submit_AcceptsOfficeOpenXml_WhenTheZipHoldsThatApplicationsParts(string name, string types, string part, string contentType)
    {
        var (response, _) = await SubmitAsync(_client, Form(ValidComplaint(), (name, Zip(types, part))));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await DbAsync(db => db.ComplaintAttachments.SingleAsync())).ContentType.Should().Be(contentType);
    }

    [Theory]
    [InlineData("笔录.doc", "WordDocument", "application/msword")]
    [InlineData("台账.xls", "Workbook", "application/vnd.ms-excel")]
    [InlineData("汇报.ppt", "PowerPoint Document", "application/vnd.ms-powerpoint")]
    public async Task Submit_AcceptsLegacyOffice_WhenTheCompoundFileNamesThatApplicationsStream(string name, string stream, string contentType)
    {
        var (response, _) = await SubmitAsync(_client, Form(ValidComplaint(), (name, Ole(stream))));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await DbAsync(db => db.ComplaintAttachments.SingleAsync())).ContentType.Should().Be(contentType);
    }

    [Theory]
    [InlineData("发票.pdf", "exe")]
    [InlineData("文档.docx", "plain-zip")]
    [InlineData("表格.xlsx", "docx")]
    [InlineData("照片.jpg", "png")]
    [InlineData("setup.exe", "exe")]
    [InlineData("没有扩展名", "pdf")]
    [InlineData("安装包.doc", "msi")]
    [InlineData("表格.xls", "ole-doc")]
    public async Task Submit_Returns400AndStoresNothing_WhenTheContentIsNotWhatTheNameSays(string name, string content)
    {
        var bytes = content switch
        {
            "exe" => Exe(),
            "plain-zip" => Zip("setup.exe"),
            "docx" => Zip("[Content_Types].xml", "word/document.xml"),
            "png" => Png(),
            "msi" => Ole(null),
            "ole-doc" => Ole("WordDocument"),
            _ => Pdf(),
        };

        var (response, body) = await SubmitAsync(_client, Form(ValidComplaint(), ("正常.pdf", Pdf()), (name, bytes)));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        ErrorKeys(body!).Should().Equal("attachments[1]");
        Error(body!, "attachments[1]").Should().StartWith("附件");
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(0);
        (await DbAsync(db => db.ComplaintAttachments.CountAsync())).Should().Be(0);
        FilesOnDisk().Should().BeEmpty("the valid file of a refused submission is not kept either, nor any temp file");
    }

    [Fact]
    public async Task Submit_KeepsOnlyACleanFileName_WhenTheNameCarriesPathTricks()
    {
        var (response, _) = await SubmitAsync(_client, Form(ValidComplaint(), ("..\\..\\C:\\Windows\\..\\../etc/\u202Eevil\u0007.pdf", Pdf())));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await DbAsync(db => db.ComplaintAttachments.SingleAsync())).FileName.Should().Be("evil.pdf");
    }

    [Fact]
    public async Task Submit_Returns400_WhenSixFilesAreAttached()
    {
        var files = Enumerable.Range(1, 6).Select(i => ($"{i}.pdf", Pdf(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();

        var (response, body) = await SubmitAsync(_client, Form(ValidComplaint(), files));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Error(body!, "attachments").Should().Be("附件最多 5 个");
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(0);
        FilesOnDisk().Should().BeEmpty();
    }

    [Fact]
    public async Task Submit_Accepts_WhenFiveFilesAreAttached()
    {
        var files = Enumerable.Range(1, 5).Select(i => ($"{i}.pdf", Pdf(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();

        var (response, _) = await SubmitAsync(_client, Form(ValidComplaint(), files));

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await DbAsync(db => db.ComplaintAttachments.OrderBy(a => a.Ordinal).Select(a => a.FileName).ToListAsync()))
            .Should().Equal("1.pdf", "2.pdf", "3.pdf", "4.pdf", "5.pdf");
        FilesOnDisk().Should().HaveCount(5);
    }

    [Fact]
    public async Task Submit_Returns400_WhenAFileIsOver10MB()
    {
        var (response, body) = await SubmitAsync(_client, Form(ValidComplaint(), ("扫描件.pdf", Sized(11 * MB, Pdf()))));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Error(body!, "attachments[0]").Should().Be("每个附件不能超过 10 MB");
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(0);
        FilesOnDisk().Should().BeEmpty();
    }

    [Fact]
    public async Task Submit_Returns413ProblemDetails_WhenTheRequestIsOver51MB()
    {
        var files = Enumerable.Range(0, 6).Select(i => ($"{i}.pdf", Sized(9 * MB, Pdf()))).ToArray();

        var (response, body) = await SubmitAsync(_client, Form(ValidComplaint(), files));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        body!["detail"]!.GetValue<string>().Should().Contain("51 MB");
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(0);
        FilesOnDisk().Should().BeEmpty();
    }

    [Fact]
    public async Task Submit_CreatesOneComplaintWithOneSetOfFiles_WhenRepeatedWithTheSameIdempotencyKey()
    {
        var (first, created) = await SubmitAsync(_client, Form(ValidComplaint(), ("a.pdf", Pdf("a")), ("b.png", Png())), "retry-1");
        var (second, replayed) = await SubmitAsync(_client, Form(ValidComplaint(), ("a.pdf", Pdf("a")), ("b.png", Png())), "retry-1");

        first.StatusCode.Should().Be(HttpStatusCode.Created);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        replayed!["trackingNumber"]!.GetValue<string>().Should().Be(created!["trackingNumber"]!.GetValue<string>());
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(1);
        (await DbAsync(db => db.ComplaintAttachments.CountAsync())).Should().Be(2);
        FilesOnDisk().Should().HaveCount(2, "the replay's temp copies are removed");
    }

    [Fact]
    public async Task Submit_Returns400NamingTheField_WhenAFlagIsNotABoolean()
    {
        var fields = ValidComplaint();
        fields["anonymous"] = "maybe";

        var (response, body) = await SubmitAsync(_client, Form(fields, ("a.pdf", Pdf())));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ErrorKeys(body!).Should().Equal("anonymous");
        FilesOnDisk().Should().BeEmpty();
    }

    [Fact]
    public async Task Track_ListsTheUploadedFileNames_WhenTheCodeIsRight()
    {
        var (_, created) = await SubmitAsync(_client, Form(ValidComplaint(), ("现场照片.png", Png()), ("收据.pdf", Pdf())));

        var (_, view) = await TrackAsync(_client, created!["trackingNumber"]!.GetValue<string>(), created["queryCode"]!.GetValue<string>());

        view!["attachments"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("现场照片.png", "收据.pdf");
    }
}
