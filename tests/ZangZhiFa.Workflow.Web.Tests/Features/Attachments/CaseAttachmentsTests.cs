using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Attachments.Uploads;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Attachments;

/// <summary>
/// Staff download of a complaint's files. The complaint is against 城关区城市管理综合行政执法局 (540102-cgzf), so the
/// supervising unit is 城关区司法局 (540102); 拉萨市 and the region are above it, 堆龙德庆区 (540103) is beside it.
/// </summary>
public sealed class CaseAttachmentsTests : IAsyncLifetime
{
    private const string Password = "Demo#2026";
    private readonly WorkflowHost _host = new();
    private string _number = "";
    private byte[] _pdf = [];

    public async Task InitializeAsync()
    {
        await AddUserAsync("staff.cgzf", "540102-cgzf");
        await AddUserAsync("clerk.duilong", "540103");
        using var client = _host.CreateClient();
        _pdf = Pdf("现场");
        var (response, body) = await SubmitAsync(client, Form(ValidComplaint(), ("现场 记录.pdf", _pdf), ("照片.png", Png())));
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        _number = body!["trackingNumber"]!.GetValue<string>();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task AddUserAsync(string userName, string unit) =>
        _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            var user = new StaffUser { Id = Guid.NewGuid(), UserName = userName, DisplayName = userName, OrgUnitCode = unit, Roles = "受理员" };
            user.PasswordHash = sp.GetRequiredService<IPasswordHasher<StaffUser>>().HashPassword(user, Password);
            db.Users.Add(user);
            await db.SaveChangesAsync();
        });

    private async Task<HttpClient> SignedInAsync(string userName)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/auth/login", new { userName, password = Password })).StatusCode.Should().Be(HttpStatusCode.OK);
        return client;
    }

    private Uri List => new($"/api/cases/{_number}/attachments", UriKind.Relative);

    [Theory]
    [InlineData("clerk.chengguan")]
    [InlineData("clerk.lasa")]
    [InlineData("clerk")]
    public async Task List_ReturnsTheFiles_WhenTheUserIsInTheSupervisingUnitOrAbove(string userName)
    {
        using var client = await SignedInAsync(userName);

        var items = (await client.GetFromJsonAsync<JsonArray>(List))!;

        items.Select(i => i!["fileName"]!.GetValue<string>()).Should().Equal("现场 记录.pdf", "照片.png");
        items[0]!["contentType"]!.GetValue<string>().Should().Be("application/pdf");
        items[0]!["size"]!.GetValue<long>().Should().Be(_pdf.Length);
        items[0]!["sha256"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{64}$");
    }

    [Fact]
    public async Task Download_ReturnsTheFileAsAnAttachmentThatIsNotSniffed_WhenTheUserIsInScope()
    {
        using var client = await SignedInAsync("clerk.chengguan");
        var id = (await client.GetFromJsonAsync<JsonArray>(List))![0]!["id"]!.GetValue<Guid>();

        var response = await client.GetAsync(new Uri($"/api/cases/{_number}/attachments/{id}", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(_pdf);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/pdf");
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        response.Content.Headers.ContentDisposition!.FileNameStar.Should().Be("现场 记录.pdf");
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
    }

    [Fact]
    public async Task CasePage_ListsTheFilesWithDownloadLinks_ForTheSupervisingClerk()
    {
        using var client = await SignedInAsync("clerk.chengguan");
        var id = (await client.GetFromJsonAsync<JsonArray>(List))![0]!["id"]!.GetValue<Guid>();

        var html = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri($"/cases/{_number}", UriKind.Relative)));

        html.Should().Contain("<h2 id=\"attachments\">附件</h2>")
            .And.Contain($"href=\"/api/cases/{_number}/attachments/{id}\"").And.Contain("现场 记录.pdf").And.Contain("照片.png");
    }

    [Theory]
    [InlineData("staff.cgzf")]
    [InlineData("clerk.duilong")]
    public async Task ListAndDownload_Return404_WhenTheUserIsTheRespondentOrOutOfScope(string userName)
    {
        using var insider = await SignedInAsync("clerk.chengguan");
        var id = (await insider.GetFromJsonAsync<JsonArray>(List))![0]!["id"]!.GetValue<Guid>();
        using var client = await SignedInAsync(userName);

        (await client.GetAsync(List)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync(new Uri($"/api/cases/{_number}/attachments/{id}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Download_Returns404_WhenTheAttachmentBelongsToAnotherCase()
    {
        using var client = await SignedInAsync("clerk.chengguan");
        var id = (await client.GetFromJsonAsync<JsonArray>(List))![0]!["id"]!.GetValue<Guid>();
        using var anonymous = _host.CreateClient();
        var (_, other) = await SubmitAsync(anonymous, Form(ValidComplaint("另一件事：执法人员在冲赛康市场没收商户货物且未开具任何收据。")));

        var response = await client.GetAsync(new Uri($"/api/cases/{other!["trackingNumber"]}/attachments/{id}", UriKind.Relative));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListAndDownload_Return401_WhenNotSignedIn()
    {
        using var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        (await client.GetAsync(List)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await client.GetAsync(new Uri($"/api/cases/{_number}/attachments/{Guid.NewGuid()}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
