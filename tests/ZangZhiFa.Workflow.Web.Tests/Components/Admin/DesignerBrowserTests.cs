using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Tests.Support;
using ZangZhiFa.Workflow.Web.Cli;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Admin;

/// <summary>
/// The flow designer in a real browser (Debian's Chromium driven by Playwright) against the host on Kestrel: the
/// canvas draws the flow, and Validate asks the engine's validator. Writes <c>docs/designer.png</c> for the README.
/// </summary>
public sealed class DesignerBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private readonly WorkflowHost _host = new();
    private WebApplicationFactory<Program> _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _baseUrl = "";

    public async Task InitializeAsync()
    {
        File.Exists(Chromium).Should().BeTrue("test.sh installs Debian's chromium before the tests run");
        // The designer needs blazor.web.js and the diagram library's script, which come from static web assets;
        // the host maps them from the build's manifest only in Development, and the tests run as Testing.
        // A port of its own (another host may hold Kestrel's default 5000 while tests run side by side).
        _server = _host.WithWebHostBuilder(builder => builder.UseStaticWebAssets().UseUrls("http://127.0.0.1:0"));
        _server.UseKestrel(0);
        _server.StartServer();
        _baseUrl = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Designer_DrawsEveryActivityAndValidatesWithoutErrors_WhenAdminOpensComplaintIntake()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 }, Locale = "zh-CN" });
        // The API request shares the context's cookie jar, so the page is signed in afterwards.
        var login = await context.APIRequest.PostAsync(_baseUrl + "/api/auth/login", new APIRequestContextOptions { DataObject = new { userName = "admin", password = "Demo#2026" } });
        login.Status.Should().Be(200);
        var page = await context.NewPageAsync();
        var expected = WorkflowDefinitionSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Workflows, "complaint-intake.json")), "complaint-intake.json");

        var log = new List<string>();
        page.Console += (_, message) => log.Add("console: " + message.Text);
        page.RequestFailed += (_, request) => log.Add("failed: " + request.Url);
        page.Response += (_, response) => log.Add($"{response.Status} {response.Url}");

        await page.GotoAsync(_baseUrl + "/admin/workflows/complaint-intake", new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        try
        {
            await page.WaitForSelectorAsync(".activity-node[data-activity=acceptance]", new PageWaitForSelectorOptions { Timeout = 30000 });
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException("canvas did not render:\n" + string.Join("\n", log) + "\n" + await page.ContentAsync());
        }

        (await page.Locator(".activity-node").CountAsync()).Should().Be(expected.Activities.Count);
        (await page.Locator(".diagram-link").CountAsync()).Should().Be(expected.Connections.Count);
        (await page.Locator(".activity-node[data-activity=investigate] .activity-title").InnerTextAsync()).Should().Be("调查核实");
        await page.ClickAsync("#validate");
        await page.WaitForSelectorAsync("#validation-result .ok", new PageWaitForSelectorOptions { Timeout = 15000 });
        (await page.InnerTextAsync("#validation-result")).Should().Contain("校验通过");
        (await page.Locator(".activity-node.invalid").CountAsync()).Should().Be(0);

        await page.ClickAsync("#export");
        await page.WaitForSelectorAsync("#export-json");
        var exported = await page.InputValueAsync("#export-json");
        exported.Should().Be(WorkflowDefinitionSerializer.Serialize(expected), "the canvas exports the flow it loaded unchanged, in the export format");

        await page.ClickAsync("#fit");
        await page.ClickAsync("#zoom-in");
        await page.ClickAsync("#zoom-in");
        await page.ClickAsync(".activity-node[data-activity=decide] .activity-title");
        await page.WaitForSelectorAsync("#prop-outcomes");
        await page.WaitForTimeoutAsync(300); // let the links follow the re-measured ports before the picture
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepoPaths.Root, "docs", "designer.png") });
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Designer_RefusesToPublishAnUnconnectedStep_AndPublishesVersionTwoOnceItIsRemoved()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 } });
        (await context.APIRequest.PostAsync(_baseUrl + "/api/auth/login", new APIRequestContextOptions { DataObject = new { userName = "admin", password = "Demo#2026" } })).Status.Should().Be(200);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/admin/workflows/complaint-intake");
        await page.WaitForSelectorAsync(".activity-node[data-activity=acceptance]", new PageWaitForSelectorOptions { Timeout = 30000 });

        await page.ClickAsync(".palette-item[data-type=HumanTask]");
        await page.WaitForSelectorAsync(".activity-node[data-activity=humanTask1]");
        await page.FillAsync("#node-title", "监督科长审核");
        await page.FillAsync("#node-properties", """{ "title": "审核", "assignee": { "role": "监督科长", "orgUnit": "supervisingUnitCode" }, "outcomes": [ "同意" ] }""");
        await page.WaitForSelectorAsync(".activity-node.invalid[data-activity=humanTask1]");
        await page.FillAsync("#node-properties", "{ \"title\": ");
        (await page.InnerTextAsync("#properties-error")).Should().Contain("JSON 格式错误");
        await page.ClickAsync("#publish");
        // Errors are already listed while typing; wait for the publish answer itself.
        await page.Locator("#validation-result", new PageLocatorOptions { HasText = "未发布" }).WaitForAsync();

        (await page.InnerTextAsync("#validation-result")).Should().Contain("未发布").And.Contain("activity 'humanTask1'");
        (await page.InnerTextAsync(".activity-node[data-activity=humanTask1] .activity-title")).Should().Be("监督科长审核");

        await page.ClickAsync("#delete");
        await page.WaitForSelectorAsync(".activity-node[data-activity=humanTask1]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        await page.ClickAsync("#publish");
        await page.Locator("#validation-result", new PageLocatorOptions { HasText = "已发布" }).WaitForAsync();

        (await page.InnerTextAsync("#validation-result")).Should().Contain("已发布为 v2");
        _server.Services.GetRequiredService<DefinitionCatalog>().FindLatest("complaint-intake")!.Version.Should().Be(2);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task Designer_PublishesALeadApprovalAddedWithTheMouse_AndOnlyComplaintsStartedAfterwardsTakeIt()
    {
        using var publicClient = _server.CreateClient();
        var (_, olderCase) = await SubmitAsync(publicClient, ValidComplaint());
        var older = olderCase!["trackingNumber"]!.GetValue<string>();
        var page = await OpenDesignerAsync();

        // Drag a HumanTask from the palette into the empty space below 答复 (notify_reply).
        await page.ClickAsync("#fit");
        var check = await BoxAsync(page, ".activity-node[data-activity=accountability_check]");
        var reply = await BoxAsync(page, ".activity-node[data-activity=notify_reply]");
        var canvas = await BoxAsync(page, "#canvas");
        await page.Locator(".palette-item[data-type=HumanTask]").ScrollIntoViewIfNeededAsync();
        await page.DragAndDropAsync(".palette-item[data-type=HumanTask]", "#canvas", new PageDragAndDropOptions
        {
            // Under a loaded machine the actionability wait timed out on the palette button while the canvas
            // was still settling; the drag itself is what the test is about.
            Force = true,
            TargetPosition = new TargetPosition { X = ((check.X + reply.X) / 2) - canvas.X, Y = check.Y + check.Height + 120 - canvas.Y },
        });
        await page.WaitForSelectorAsync(".activity-node[data-activity=humanTask1]");
        (await page.Locator(".activity-node[data-activity=humanTask1] .outcome-row").CountAsync()).Should().Be(0, "a new task has no outcomes yet");

        // Its properties, in the typed editors.
        await page.FillAsync("#node-title", "监督科长审批");
        await page.FillAsync("#prop-title", "审批答复：{{ complaint.trackingNumber }}");
        await page.SelectOptionAsync("#prop-role", "监督科长");
        await page.FillAsync("#prop-orgunit", "supervisingUnitCode +");
        (await page.InnerTextAsync("#prop-orgunit-error")).Should().NotBeEmpty("the expression is checked as it is typed");
        await page.FillAsync("#prop-orgunit", "supervisingUnitCode");
        await page.WaitForSelectorAsync("#prop-orgunit-ok");
        (await page.InnerTextAsync("#scope-variables")).Should().Contain("supervisingUnitCode").And.Contain("decide");
        foreach (var outcome in new[] { "同意", "退回" })
        {
            await page.FillAsync("#prop-outcomes-new", outcome);
            await page.ClickAsync("#prop-outcomes-add");
        }

        await page.WaitForSelectorAsync(".activity-node[data-activity=humanTask1] .outcome-row[data-outcome=退回]");
        await page.ClickAsync("#prop-form-add");
        await page.FillAsync(".form-field input[aria-label=字段名]", "opinion");
        await page.FillAsync(".form-field input[aria-label=显示名称]", "审批意见");
        await page.Locator(".form-field input[aria-label=显示名称]").DispatchEventAsync("change");
        await page.SelectOptionAsync("#prop-deadline-unit", "workingDays");
        await page.FillAsync("#prop-deadline-amount", "3");
        await page.Locator("#prop-deadline-amount").DispatchEventAsync("change");
        await page.WaitForSelectorAsync(".activity-node[data-activity=humanTask1] .outcome-row[data-outcome=超期]");
        await page.SelectOptionAsync("#prop-deadline-unit", "");
        await page.WaitForSelectorAsync(".activity-node[data-activity=humanTask1] .outcome-row[data-outcome=超期]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });

        // Not connected yet: validate marks the node, publish is refused.
        await page.ClickAsync("#validate");
        await page.WaitForSelectorAsync(".activity-node.invalid[data-activity=humanTask1]");
        (await page.InnerTextAsync("#validation-errors")).Should().Contain("activity 'humanTask1'");

        // Connect by dragging from outcome ports: 不问责 and the accountability subflow now lead to the approval
        // (each replaces the link its port had), 同意 to 答复, 退回 back to 处理决定.
        await ConnectAsync(page, "accountability_check", "不问责", "humanTask1");
        await ConnectAsync(page, "accountability_hook", "done", "humanTask1");
        await ConnectAsync(page, "humanTask1", "同意", "notify_reply");
        await ConnectAsync(page, "humanTask1", "退回", "decide");

        await page.ClickAsync("#export");
        var exported = WorkflowDefinitionSerializer.Deserialize(await page.InputValueAsync("#export-json"), "complaint-intake.json");
        exported.Connections.Where(c => c.From == "humanTask1" || c.To == "humanTask1").Select(c => c.ToString()).Should().BeEquivalentTo(
            "accountability_check --不问责--> humanTask1", "accountability_hook --done--> humanTask1", "humanTask1 --同意--> notify_reply", "humanTask1 --退回--> decide");
        exported.Connections.Should().NotContain(c => c.To == "notify_reply" && c.From != "humanTask1");
        var approval = exported.FindActivity("humanTask1")!;
        approval.Title.Should().Be("监督科长审批");
        var expectedProperties = JsonNode.Parse("""{"title":"审批答复：{{ complaint.trackingNumber }}","assignee":{"role":"监督科长","orgUnit":"supervisingUnitCode"},"outcomes":["同意","退回"],"form":[{"name":"opinion","label":"审批意见","type":"text"}]}""");
        JsonNode.DeepEquals(approval.Properties, expectedProperties).Should().BeTrue(approval.Properties.ToJsonString());

        await page.ClickAsync("#validate");
        await page.Locator("#validation-result .ok").WaitForAsync();
        (await page.Locator(".activity-node.invalid").CountAsync()).Should().Be(0);
        await page.ClickAsync("#publish");
        await page.Locator("#validation-result", new PageLocatorOptions { HasText = "已发布" }).WaitForAsync();
        (await page.InnerTextAsync("#validation-result")).Should().Contain("已发布为 v2");

        // A complaint filed now runs on v2 and reaches the approval; the older one stays on v1 and is answered directly.
        var (_, newerCase) = await SubmitAsync(publicClient, ValidComplaint("2026年3月2日，执法人员在宇拓路扣押了我的三轮车，没有开具任何清单。"));
        var newer = newerCase!["trackingNumber"]!.GetValue<string>();
        using var clerk = await StaffAsync("clerk.chengguan");
        using var handler = await StaffAsync("handler.lasa");
        using var lead = await StaffAsync("lead");
        foreach (var number in new[] { older, newer })
        {
            await CompleteAsync(clerk, await StaffClients.TaskIdAsync(clerk, "acceptance", number), "受理", new { });
            await CompleteAsync(handler, await StaffClients.TaskIdAsync(handler, "investigate", number), "调查完毕", new { facts = "经调取执法记录仪视频，未发现投诉所述情形。" });
            await CompleteAsync(lead, await StaffClients.TaskIdAsync(lead, "decide", number), "不属实", new { reasons = "执法记录完整，程序合法。", result = "不予支持" });
        }

        var olderStage = await StageAsync(publicClient, olderCase);
        var newerStage = await StageAsync(publicClient, newerCase);
        olderStage.Should().Be("已答复", "the older complaint continues on v1, which answers right after the decision");
        newerStage.Should().Be("调查中", "the newer one waits for the lead's approval before the answer");
        var approvalTask = await StaffClients.TaskIdAsync(lead, "humanTask1", newer);
        await CompleteAsync(lead, approvalTask, "同意", new { opinion = "同意答复。" });
        (await StageAsync(publicClient, newerCase)).Should().Be("已答复");
        var tasks = (await lead.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray();
        tasks.Should().NotContain(t => t!["activityId"]!.GetValue<string>() == "humanTask1" && t["caseNumber"]!.GetValue<string>() == older);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Designer_MarksTheValidateCommandsErrorsOnTheirNodes_AndRefusesToPublishWithTheSameList()
    {
        var page = await OpenDesignerAsync();
        await page.ClickAsync("#fit");

        // Two mistakes made in the typed editors: a broken expression and an outcome with nowhere to go.
        await page.ClickAsync(".activity-node[data-activity=register] .activity-title");
        await page.FillAsync("#prop-assign-stage", "'待受理' +");
        (await page.InnerTextAsync("#prop-assign-stage-error")).Should().NotBeEmpty();
        await page.ClickAsync(".activity-node[data-activity=decide] .activity-title");
        await page.FillAsync("#prop-outcomes-new", "待定");
        await page.ClickAsync("#prop-outcomes-add");
        await page.WaitForSelectorAsync(".activity-node[data-activity=decide] .outcome-row.unconnected[data-outcome=待定]");

        await page.ClickAsync("#validate");
        await page.WaitForSelectorAsync("#validation-errors");
        var shown = await page.Locator("#validation-errors li").AllInnerTextsAsync();
        await page.ClickAsync("#export");
        var json = await page.InputValueAsync("#export-json");
        var folder = Directory.CreateTempSubdirectory("zzf-designer-validate-").FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "workflows"), "*.json"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "complaint-intake.json"), json);
        using var cli = new StringWriter();
        ValidateCommand.Run([folder], cli).Should().Be(1);
        Directory.Delete(folder, recursive: true);
        var cliErrors = cli.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[..^1];

        shown.Should().Equal(cliErrors, "the designer shows exactly what the validate command prints");
        shown.Should().Contain(e => e.Contains("activity 'register'")).And.Contain(e => e.Contains("activity 'decide'") && e.Contains("待定"));
        (await page.Locator(".activity-node.invalid").EvaluateAllAsync<string[]>("nodes => nodes.map(n => n.dataset.activity)")).Should().BeEquivalentTo("register", "decide");
        (await page.InnerTextAsync(".activity-node[data-activity=register] .activity-error-list")).Should().Contain("表达式错误");
        (await page.InnerTextAsync("#node-errors")).Should().Contain("待定", "the selected node lists its own problems in the panel");

        await page.ClickAsync("#publish");
        await page.Locator("#validation-result", new PageLocatorOptions { HasText = "未发布" }).WaitForAsync();
        (await page.Locator("#validation-errors li").AllInnerTextsAsync()).Should().Equal(cliErrors);
        _server.Services.GetRequiredService<DefinitionCatalog>().FindLatest("complaint-intake")!.Version.Should().Be(1);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task OutcomesEditor_RenamesThePortWithItsConnection_AndRemovingAnOutcomeRemovesPortAndConnection()
    {
        var page = await OpenDesignerAsync();
        var links = await page.Locator(".diagram-link").CountAsync();
        var rows = ".activity-node[data-activity=acceptance] .outcome-row";
        await page.ClickAsync(".activity-node[data-activity=acceptance] .activity-title");
        await page.WaitForSelectorAsync("#prop-outcomes");

        // Rename 受理 in the outcomes list (issue 6: the old port and its connection used to stay beside the new port).
        var first = page.Locator("#prop-outcomes .editor-row[data-item=受理] input");
        await first.FillAsync("予以受理");
        await first.DispatchEventAsync("change");
        await page.WaitForSelectorAsync($"{rows}[data-outcome=予以受理]:not(.unconnected)");
        (await page.Locator(rows).EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.outcome)")).Should().Equal("予以受理", "不予受理", "转办", "超期");
        (await page.Locator(".diagram-link").CountAsync()).Should().Be(links);

        // Remove 不予受理: its port and the connection leaving it go.
        await page.ClickAsync("#prop-outcomes .editor-row[data-item=不予受理] .remove");
        await page.WaitForSelectorAsync($"{rows}[data-outcome=不予受理]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        (await page.Locator(".diagram-link").CountAsync()).Should().Be(links - 1);

        await page.ClickAsync("#export");
        var exported = WorkflowDefinitionSerializer.Deserialize(await page.InputValueAsync("#export-json"), "complaint-intake.json");
        exported.Connections.Where(c => c.From == "acceptance").Select(c => c.ToString()).Should().BeEquivalentTo(
            "acceptance --予以受理--> accepted", "acceptance --转办--> notify_transferred", "acceptance --超期--> escalate_acceptance");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task VersionsPage_ComparesTwoVersionsAndRetiresOne_WhileTheDesignerImportsAFileAsADraft()
    {
        using var admin = _server.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(_baseUrl), HandleCookies = true });
        (await admin.PostAsJsonAsync("/api/auth/login", new { userName = "admin", password = StaffClients.Password })).EnsureSuccessStatusCode();
        var v1 = await admin.GetStringAsync("/api/admin/workflows/complaint-intake/versions/1");
        (await admin.PostAsync("/api/admin/workflows/complaint-intake/publish", new StringContent(Features.Admin.AdminApi.WithLeadApproval(v1)))).EnsureSuccessStatusCode();
        var page = await OpenDesignerAsync();

        // Import: a hand-written file without positions is laid out, saved as the draft and validated.
        var shipped = WorkflowDefinitionSerializer.Deserialize(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Workflows, "complaint-intake.json")), "complaint-intake.json");
        var withoutPositions = WorkflowDefinitionSerializer.Deserialize(WorkflowDefinitionSerializer.Serialize(shipped), "x");
        withoutPositions.Activities.ForEach(a => a.Position = null);
        var folder = Directory.CreateTempSubdirectory("zzf-import-").FullName;
        var unplaced = Path.Combine(folder, "complaint-intake.json");
        await File.WriteAllTextAsync(unplaced, WorkflowDefinitionSerializer.Serialize(withoutPositions));
        await page.SetInputFilesAsync("#import", unplaced);
        await page.Locator("#validation-result", new PageLocatorOptions { HasText = "已导入" }).WaitForAsync();
        (await page.InnerTextAsync("#validation-result")).Should().Contain("校验通过");
        (await admin.GetStringAsync("/api/admin/workflows/complaint-intake/draft")).Should().Be(WorkflowDefinitionSerializer.Serialize(withoutPositions));
        var corners = await page.Locator(".activity-node").EvaluateAllAsync<string[]>("nodes => nodes.map(n => { const r = n.getBoundingClientRect(); return Math.round(r.x) + ',' + Math.round(r.y); })");
        corners.Should().HaveCount(shipped.Activities.Count).And.OnlyHaveUniqueItems("nodes without positions are laid out, not stacked");

        // A shipped file imported and exported again is what the API exports, byte for byte.
        await page.SetInputFilesAsync("#import", Path.Combine(RepoPaths.Workflows, "complaint-intake.json"));
        await page.Locator("#validation-result", new PageLocatorOptions { HasText = "complaint-intake.json 并保存为草稿" }).WaitForAsync();
        await page.ClickAsync("#export");
        (await page.InputValueAsync("#export-json")).Should().Be(v1);
        Directory.Delete(folder, recursive: true);

        // The versions page: cases per version, the difference between v1 and v2, and retiring v2.
        await page.GotoAsync(_baseUrl + "/admin/workflows");
        await page.WaitForSelectorAsync("tr[data-workflow=complaint-intake] .version[data-version='2'] .retire");
        (await page.InnerTextAsync("tr[data-workflow=complaint-intake]")).Should().Contain("v1 已发布（0 件）").And.Contain("v2 已发布（0 件）").And.Contain("草稿");
        await page.SelectOptionAsync("#diff-from", "1");
        await page.SelectOptionAsync("#diff-to", "2");
        await page.ClickAsync("#diff-run");
        (await page.InnerTextAsync("#diff-added-activities")).Should().Be("lead_approval");
        (await page.Locator("#diff-removed-connections li").AllInnerTextsAsync()).Should().BeEquivalentTo("accountability_check --不问责--> notify_reply", "accountability_hook --done--> notify_reply");
        (await page.Locator("#diff-added-connections li").CountAsync()).Should().Be(4);

        await page.ClickAsync("tr[data-workflow=complaint-intake] .version[data-version='2'] .retire");
        await page.ClickAsync("tr[data-workflow=complaint-intake] .version[data-version='2'] .retire-confirm");
        await page.Locator("tr[data-workflow=complaint-intake] .version.retired[data-version='2']").WaitForAsync();
        (await page.InnerTextAsync("#versions-notice")).Should().Contain("新立案件改用 v1");
        _server.Services.GetRequiredService<DefinitionCatalog>().FindLatest("complaint-intake")!.Version.Should().Be(1);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Palette_AddsEveryActivityTypeByDragging_AndNodesMoveZoomAndDelete()
    {
        var page = await OpenDesignerAsync();
        var registry = _server.Services.GetRequiredService<ZangZhiFa.Workflow.Engine.Activities.ActivityRegistry>();
        var types = registry.All.Select(a => a.Type).Order(StringComparer.Ordinal).ToList();
        (await page.Locator(".palette-item").CountAsync()).Should().Be(types.Count);

        for (var i = 0; i < types.Count; i++)
        {
            await page.DragAndDropAsync($".palette-item[data-type={types[i]}]", "#canvas", new PageDragAndDropOptions
            {
                TargetPosition = new TargetPosition { X = 60 + (i % 5 * 170), Y = 60 + (i / 5 * 150) },
            });
            var id = char.ToLowerInvariant(types[i][0]) + types[i][1..] + "1";
            await page.WaitForSelectorAsync($".activity-node[data-activity={id}]");
            (await page.InnerTextAsync($".activity-node[data-activity={id}] .activity-type")).Should().Contain(types[i]);
            (await page.InputValueAsync("#node-title")).Should().Be("新节点", "the dropped node is selected for editing");
        }

        // The typed editor of a notice picks its template from templates/.
        await page.ClickAsync("#fit");
        await page.ClickAsync(".activity-node[data-activity=notify_reply] .activity-title");
        (await page.InputValueAsync("#prop-template")).Should().Be("notices/complaint-reply");
        (await page.Locator("#prop-template option").AllInnerTextsAsync()).Should().Contain("notices/supervision-notice");

        // Zoom: a node is drawn bigger after 放大.
        var before = await BoxAsync(page, ".activity-node[data-activity=decide]");
        await page.ClickAsync("#zoom-in");
        var zoomed = 0d;
        for (var attempt = 0; attempt < 100 && zoomed <= before.Width * 1.1; attempt++)
        {
            await page.WaitForTimeoutAsync(50);
            zoomed = (await BoxAsync(page, ".activity-node[data-activity=decide]")).Width;
        }

        zoomed.Should().BeApproximately(before.Width * 1.2, 1);

        // Move: drag a node by its title; the export has its new position.
        await page.ClickAsync("#fit");
        var decide = await BoxAsync(page, ".activity-node[data-activity=decide] .activity-title");
        await page.Mouse.MoveAsync(decide.X + 5, decide.Y + 5);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(decide.X + 65, decide.Y + 85, new MouseMoveOptions { Steps = 8 });
        await page.Mouse.UpAsync();
        await page.ClickAsync("#export");
        var moved = WorkflowDefinitionSerializer.Deserialize(await page.InputValueAsync("#export-json"), "x").FindActivity("decide")!.Position!;
        moved.X.Should().BeGreaterThan(1360 + 50);
        moved.Y.Should().BeGreaterThan(300 + 50);

        // Delete: the Delete key on a selected node, and the button.
        await page.ClickAsync(".activity-node[data-activity=end1] .activity-title");
        await page.Keyboard.PressAsync("Delete");
        await page.WaitForSelectorAsync(".activity-node[data-activity=end1]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        await page.ClickAsync(".activity-node[data-activity=timer1] .activity-title");
        await page.ClickAsync("#delete");
        await page.WaitForSelectorAsync(".activity-node[data-activity=timer1]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        await page.Context.DisposeAsync();
    }

    private async Task<IPage> OpenDesignerAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 1000 }, Locale = "zh-CN" });
        (await context.APIRequest.PostAsync(_baseUrl + "/api/auth/login", new APIRequestContextOptions { DataObject = new { userName = "admin", password = "Demo#2026" } })).Status.Should().Be(200);
        var page = await context.NewPageAsync();
        await page.GotoAsync(_baseUrl + "/admin/workflows/complaint-intake");
        await page.WaitForSelectorAsync(".activity-node[data-activity=acceptance]", new PageWaitForSelectorOptions { Timeout = 30000 });
        return page;
    }

    private static async Task<LocatorBoundingBoxResult> BoxAsync(IPage page, string selector) =>
        await page.Locator(selector).BoundingBoxAsync() ?? throw new Xunit.Sdk.XunitException(selector + " is not visible");

    /// <summary>Presses on the outcome's port, moves to the middle of the target node and lets go, as a user drags a connection.</summary>
    private static async Task ConnectAsync(IPage page, string from, string outcome, string to)
    {
        var port = await BoxAsync(page, $".activity-node[data-activity={from}] .outcome-row[data-outcome={outcome}] .activity-port");
        var target = await BoxAsync(page, $".activity-node[data-activity={to}]");
        await page.Mouse.MoveAsync(port.X + (port.Width / 2), port.Y + (port.Height / 2));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(target.X + (target.Width / 2), target.Y + 8, new MouseMoveOptions { Steps = 12 });
        await page.Mouse.UpAsync();
        await page.WaitForSelectorAsync($".activity-node[data-activity={from}] .outcome-row[data-outcome={outcome}]:not(.unconnected)");
    }

    private async Task<HttpClient> StaffAsync(string userName)
    {
        var client = _server.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(_baseUrl), HandleCookies = true, AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/auth/login", new { userName, password = StaffClients.Password })).StatusCode.Should().Be(HttpStatusCode.OK);
        return client;
    }

    private static async Task CompleteAsync(HttpClient staff, Guid taskId, string outcome, object fields)
    {
        var response = await staff.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome, fields });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> StageAsync(HttpClient client, JsonObject created) =>
        (await TrackAsync(client, created["trackingNumber"]!.GetValue<string>(), created["queryCode"]!.GetValue<string>())).Body!["stage"]!.GetValue<string>();
}
