using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Admin.AdminApi;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Admin;

/// <summary>文书模板: errors with their position are refused, a good edit is the next notice's text, versions are kept and journaled.</summary>
public sealed class NoticeTemplatesTests : IAsyncLifetime
{
    private const string Receipt = "/api/admin/templates/notices/complaint-receipt";

    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SaveTemplate_Returns400WithLineAndColumnAndSavesNothing_WhenSyntaxError()
    {
        using var admin = await SignInAsync(_host);
        var text = (await admin.GetFromJsonAsync<JsonObject>(Receipt))!["text"]!.GetValue<string>();
        var broken = text + "\n<p>{{ if complaint.anonymous }}匿名</p>\n";

        var preview = (await (await admin.PostAsJsonAsync(Receipt + "/preview", new { text = broken })).Content.ReadFromJsonAsync<JsonObject>())!;
        var response = await admin.PutAsJsonAsync(Receipt, new { text = broken });

        var problem = preview["problems"]!.AsArray().First()!;
        problem["line"]!.GetValue<int>().Should().BeGreaterThan(text.Split('\n').Length - 1);
        problem["column"]!.GetValue<int>().Should().BeGreaterThan(0);
        preview["html"].Should().BeNull();
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["problems"]!.AsArray().Should().NotBeEmpty();
        (await CountAsync(db => db.AdminContents)).Should().Be(0);
        (await JournalAsync("admin:template:notices/complaint-receipt")).Should().BeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n\t ")]
    public async Task SaveTemplate_Returns400NamingTextAndSavesNothing_WhenTextIsBlank(string text)
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.PutAsJsonAsync("/api/admin/templates/notices/legal-review-opinion", new { text });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["text"]![0]!.GetValue<string>().Should().Be("模板内容不能为空");
        (await CountAsync(db => db.AdminContents)).Should().Be(0);
        (await JournalAsync("admin:template:notices/legal-review-opinion")).Should().BeEmpty();
    }

    [Fact]
    public async Task SaveTemplate_ChangesTheNextRenderedNoticeAndJournals_WhenValid()
    {
        using var admin = await SignInAsync(_host);
        using var visitor = _host.CreateClient();
        var original = (await admin.GetFromJsonAsync<JsonObject>(Receipt))!["text"]!.GetValue<string>();
        var edited = original.Replace("</p>", "</p>\n<p>本机关联系电话：0891-0000000（试行）</p>", StringComparison.Ordinal);
        edited.Should().NotBe(original);

        var preview = (await (await admin.PostAsJsonAsync(Receipt + "/preview", new { text = edited })).Content.ReadFromJsonAsync<JsonObject>())!;
        var saved = await admin.PutAsJsonAsync(Receipt, new { text = edited });
        var (submitted, body) = await SubmitAsync(visitor, ValidComplaint());

        preview["html"]!.GetValue<string>().Should().Contain("0891-0000000");
        saved.StatusCode.Should().Be(HttpStatusCode.OK);
        (await saved.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>().Should().Be(1);
        submitted.StatusCode.Should().Be(HttpStatusCode.Created);
        var tracking = body!["trackingNumber"]!.GetValue<string>();
        var receipt = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Notices
            .SingleAsync(n => n.CorrelationId == tracking && n.TemplateId == "notices/complaint-receipt"));
        receipt.Html.Should().Contain("0891-0000000");

        var detail = (await admin.GetFromJsonAsync<JsonObject>(Receipt))!;
        detail["versions"]!.AsArray().Should().ContainSingle();
        (await admin.GetFromJsonAsync<JsonObject>(Receipt + "?version=0"))!["text"]!.GetValue<string>().Should().Be(original);
        var line = (await JournalAsync("admin:template:notices/complaint-receipt")).Should().ContainSingle().Subject;
        line.Actor.Should().Be("admin");
        line.Event.Should().Be("template-saved");
        line.Summary.Should().Contain("v1").And.Contain("修改前").And.Contain("\"version\":0").And.Contain("\"version\":1");
        line.Hash.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task SavedTemplate_StaysInUse_AfterRestart()
    {
        var data = Directory.CreateTempSubdirectory("zzf-tpl-").FullName;
        try
        {
            await using (var first = new WorkflowHost(data))
            {
                using var admin = await SignInAsync(first);
                var text = (await admin.GetFromJsonAsync<JsonObject>(Receipt))!["text"]!.GetValue<string>();
                (await admin.PutAsJsonAsync(Receipt, new { text = text + "\n<!-- 第二版 -->\n" })).EnsureSuccessStatusCode();
            }

            await using var second = new WorkflowHost(data);
            using var again = await SignInAsync(second);
            (await again.GetFromJsonAsync<JsonObject>(Receipt))!["text"]!.GetValue<string>().Should().Contain("第二版");
        }
        finally
        {
            WorkflowHost.DeleteData(data);
        }
    }

    [Fact]
    public async Task TemplatePages_RenderForAdmin()
    {
        using var admin = await SignInAsync(_host);

        var list = WebUtility.HtmlDecode(await admin.GetStringAsync(new Uri("/admin/templates", UriKind.Relative)));
        var editor = WebUtility.HtmlDecode(await admin.GetStringAsync(new Uri("/admin/templates/notices/complaint-receipt", UriKind.Relative)));

        list.Should().Contain("notices/complaint-receipt").And.Contain("原始文件");
        editor.Should().Contain("template-text").And.Contain("次仁卓玛", "the preview renders the sample case");
    }

    private Task<int> CountAsync<T>(Func<WorkflowDbContext, IQueryable<T>> set) =>
        _host.InScopeAsync(sp => set(sp.GetRequiredService<WorkflowDbContext>()).CountAsync());

    private Task<List<ZangZhiFa.Workflow.Engine.Model.JournalEntry>> JournalAsync(string caseKey) =>
        _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Journal.AsNoTracking().Where(j => j.CaseKey == caseKey).ToListAsync());
}
