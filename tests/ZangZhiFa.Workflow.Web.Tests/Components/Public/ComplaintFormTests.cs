using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Features.Complaints;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Public;

/// <summary>The 投诉举报 form at <c>/</c>, driven as a browser without JavaScript would.</summary>
public sealed class ComplaintFormTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = Browser.StubFlowHost();
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

    /// <summary>What a member of the public would type; the token is the one the form was rendered with.</summary>
    internal static List<KeyValuePair<string, string>> ValidForm(Page form, string description = "2026年3月1日上午，城管执法人员在八廓街收缴摊位物品时未出示执法证件，并推搡我的家人。") =>
    [
        new("Input.Token", form.InputValue("Input.Token")!),
        new("Input.ComplainantName", "次仁卓玛"),
        new("Input.Phone", "13908900000"),
        new("Input.Email", "cirenzhuoma@example.test"),
        new("Input.RespondentUnitCode", "540102-cgzf"),
        new("Input.RespondentOfficer", "王某"),
        new("Input.Category", "野蛮执法"),
        new("Input.OccurredAt", "2026-03-01"),
        new("Input.Location", "拉萨市城关区八廓街"),
        new("Input.Description", description),
    ];

    private Task<int> ComplaintCountAsync() =>
        _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Complaints.CountAsync());

    [Fact]
    public async Task Get_RendersTheFormWithAntiforgeryCategoriesAndRespondents_WhenOpened()
    {
        var page = await _browser.GetAsync("/");

        page.Status.Should().Be(HttpStatusCode.OK);
        page.Html.Should().Contain("<html lang=\"zh-CN\">");
        page.AntiforgeryToken.Should().NotBeNullOrEmpty();
        page.InputValue("Input.Token").Should().MatchRegex("^[0-9a-f]{32}$");
        page.Text.Should().Contain("<h1>行政执法投诉举报</h1>");
        foreach (var category in ComplaintCategories.All)
        {
            page.Text.Should().Contain($"<option value=\"{category}\">{category}</option>");
        }

        page.Text.Should().Contain("<optgroup label=\"拉萨市司法局 / 城关区司法局\">")
            .And.Contain("<option value=\"540102-cgzf\">城关区城市管理综合行政执法局</option>");
        foreach (var field in new[] { "anonymous", "complainantName", "phone", "idType", "idNumber", "email", "address", "enterprise", "respondentUnitCode", "respondentOfficer", "category", "occurredAt", "location", "description" })
        {
            page.Html.Should().Contain($"<label for=\"{field}\">").And.Contain($"id=\"{field}\"");
        }

        page.Html.Should().Contain("maxlength=\"5000\"").And.Contain("type=\"date\"");
    }

    [Fact]
    public async Task Get_GivesEveryRenderingItsOwnToken_WhenOpenedTwice()
    {
        var first = await _browser.GetAsync("/");
        var second = await _browser.GetAsync("/");

        first.InputValue("Input.Token").Should().NotBe(second.InputValue("Input.Token"));
    }

    [Fact]
    public async Task Post_RerendersWithMessagesAndKeepsEnteredValues_WhenFieldsAreMissing()
    {
        var form = await _browser.GetAsync("/");
        var token = form.InputValue("Input.Token")!;

        var page = await _browser.SubmitAsync(form, "/", "complaint",
        [
            new("Input.Token", token),
            new("Input.ComplainantName", "次仁卓玛"),
            new("Input.Phone", "12345"),
            new("Input.Enterprise", "true"),
            new("Input.IdType", "护照"),
            new("Input.RespondentUnitCode", "540102-cgzf"),
            new("Input.Category", "野蛮执法"),
            new("Input.OccurredAt", "2026-03-01"),
            new("Input.Location", "八廓街"),
        ]);

        page.Status.Should().Be(HttpStatusCode.OK);
        page.ById("error-summary-title").Should().Be("提交内容有误，请按提示修改");
        page.Text.Should().Contain("<a href=\"#phone\">联系电话：联系电话格式不正确（手机号 11 位，或带区号的固定电话）</a>")
            .And.Contain("<a href=\"#description\">具体事实：请填写投诉举报的具体事实</a>");
        page.ById("phone-error").Should().Be("错误：联系电话格式不正确（手机号 11 位，或带区号的固定电话）");
        page.ById("description-error").Should().Be("错误：请填写投诉举报的具体事实");
        page.Html.Should().Contain("aria-describedby=\"phone-help phone-error\"").And.Contain("aria-invalid=\"true\"");
        page.ById("complainantName-error").Should().BeNull("the name was given");

        page.InputValue("Input.ComplainantName").Should().Be("次仁卓玛");
        page.InputValue("Input.Phone").Should().Be("12345");
        page.InputValue("Input.OccurredAt").Should().Be("2026-03-01");
        page.InputValue("Input.Location").Should().Be("八廓街");
        page.SelectedValue("Input.IdType").Should().Be("护照");
        page.SelectedValue("Input.RespondentUnitCode").Should().Be("540102-cgzf");
        page.SelectedValue("Input.Category").Should().Be("野蛮执法");
        page.IsChecked("Input.Enterprise").Should().BeTrue();
        page.IsChecked("Input.Anonymous").Should().BeFalse();
        page.InputValue("Input.Token").Should().Be(token, "the corrected form is still the same submission");
        (await ComplaintCountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Post_RedirectsToAReceiptWithTheTrackingNumberAndQueryCode_WhenValid()
    {
        var form = await _browser.GetAsync("/");

        var posted = await _browser.SubmitAsync(form, "/", "complaint", ValidForm(form));

        posted.Status.Should().Be(HttpStatusCode.Found);
        posted.Location!.AbsolutePath.Should().Be("/receipt");
        posted.Location.Query.Should().BeEmpty("the query code never travels in a URL");
        var receipt = await _browser.FollowAsync(posted);
        receipt.Status.Should().Be(HttpStatusCode.OK);
        receipt.ById("receipt-title").Should().Be("受理回执");
        receipt.ById("tracking-number").Should().Be("TS-2026-000001");
        var code = receipt.ById("query-code");
        code.Should().MatchRegex("^[A-HJ-NP-Z2-9]{8}$");
        receipt.Text.Should().Contain("请妥善保存登记编号和查询码").And.Contain("href=\"/track\"");
        var stored = await _host.InScopeAsync(async sp =>
        {
            var complaint = await sp.GetRequiredService<WorkflowDbContext>().Complaints.AsNoTracking().SingleAsync();
            return (complaint, Code: sp.GetRequiredService<ComplaintAccess>().Reveal(complaint));
        });
        stored.Code.Should().Be(code);
        stored.complaint.ComplainantName.Should().Be("次仁卓玛");
        stored.complaint.Language.Should().Be("zh");
        stored.complaint.IdempotencyKey.Should().Be($"form-{form.InputValue("Input.Token")}");
    }

    [Fact]
    public async Task Post_CreatesOneComplaint_WhenTheSameFormTokenIsPostedTwice()
    {
        var form = await _browser.GetAsync("/");

        var first = await _browser.SubmitAsync(form, "/", "complaint", ValidForm(form));
        // A double click, or the page resubmitted after an edit: same token, so the same submission.
        var second = await _browser.SubmitAsync(form, "/", "complaint", ValidForm(form, "第二次点击时内容又改了一点，但仍是同一次提交。"));

        first.Status.Should().Be(HttpStatusCode.Found);
        second.Status.Should().Be(HttpStatusCode.Found);
        var receipt = await _browser.FollowAsync(second);
        receipt.ById("tracking-number").Should().Be("TS-2026-000001");
        receipt.Text.Should().Contain("这件投诉举报此前已经提交过，没有重复登记");
        (await ComplaintCountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Post_CreatesTwoComplaints_WhenTwoRenderedFormsAreSubmitted()
    {
        var one = await _browser.GetAsync("/");
        var other = await _browser.GetAsync("/");

        await _browser.SubmitAsync(one, "/", "complaint", ValidForm(one));
        await _browser.SubmitAsync(other, "/", "complaint", ValidForm(other, "另一件事：交通执法人员扣车后没有出具任何手续。"));

        (await ComplaintCountAsync()).Should().Be(2);
    }

    [Fact]
    public async Task Post_Returns400AndStoresNothing_WhenTheAntiforgeryTokenIsMissing()
    {
        var form = await _browser.GetAsync("/");
        using var content = new FormUrlEncodedContent([new("_handler", "complaint"), .. ValidForm(form)]);

        var response = await _browser.Client.PostAsync(new Uri("/", UriKind.Relative), content);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ComplaintCountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Post_ShowsTheFormAgainAsTypedAndFilesNothing_WhenTheAntiforgeryCookieWasLost()
    {
        var form = await _browser.GetAsync("/");
        using var restarted = new Browser(_host);

        var expired = await restarted.SubmitAsync(form, "/", "complaint", ValidForm(form));
        var sent = await restarted.SubmitAsync(expired, "/", "complaint", ValidForm(expired));

        expired.Status.Should().Be(HttpStatusCode.BadRequest);
        expired.ById("form-expired").Should().StartWith("页面已过期").And.Contain("没有提交");
        expired.InputValue("Input.ComplainantName").Should().Be("次仁卓玛");
        System.Net.WebUtility.HtmlDecode(expired.TextAreaHtml("Input.Description")).Should().StartWith("2026年3月1日上午");
        expired.InputValue("Input.Token").Should().Be(form.InputValue("Input.Token"), "sending it again is still the same submission");
        sent.Status.Should().Be(HttpStatusCode.Found);
        (await ComplaintCountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Post_SaysThePageExpiredInTibetan_WhenTheVisitorReadsTibetan()
    {
        var form = await _browser.GetAsync("/?lang=bo");
        using var restarted = new Browser(_host);
        await restarted.GetAsync("/track?lang=bo");

        var expired = await restarted.SubmitAsync(form, "/", "complaint", ValidForm(form));

        expired.Status.Should().Be(HttpStatusCode.BadRequest);
        expired.ById("form-expired").Should().StartWith("ཤོག་ངོས་").And.NotContain("页面");
        (await ComplaintCountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Post_EncodesScriptFromTheDescription_WhenTheFormComesBack()
    {
        var form = await _browser.GetAsync("/");
        var fields = ValidForm(form, "<script>alert('xss')</script><img src=x onerror=alert(1)> 执法人员态度粗暴");
        fields.RemoveAll(f => f.Key == "Input.Phone");

        var page = await _browser.SubmitAsync(form, "/", "complaint", fields);

        page.ById("phone-error").Should().NotBeNull();
        page.Html.Should().NotContain("<script>alert").And.NotContain("<img src=x");
        page.TextAreaHtml("Input.Description").Should().StartWith("&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;");
    }

    [Fact]
    public async Task Post_KeepsNoIdentity_WhenAnonymous()
    {
        var form = await _browser.GetAsync("/");
        var fields = ValidForm(form);
        fields.Add(new("Input.Anonymous", "true"));

        var posted = await _browser.SubmitAsync(form, "/", "complaint", fields);

        posted.Status.Should().Be(HttpStatusCode.Found);
        var stored = await _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Complaints.AsNoTracking().SingleAsync());
        stored.Anonymous.Should().BeTrue();
        stored.ComplainantName.Should().BeNull();
        stored.Phone.Should().BeNull();
    }

    [Fact]
    public async Task Receipt_ShowsNoCode_WhenNothingWasJustSubmitted()
    {
        var page = await _browser.GetAsync("/receipt");

        page.Status.Should().Be(HttpStatusCode.OK);
        page.Html.Should().NotContain("id=\"query-code\"");
        page.Text.Should().Contain("没有可以显示的回执");
    }

    [Fact]
    public async Task Receipt_ShowsNoCode_WhenTheSessionIsOlderThanItsLifetime()
    {
        var form = await _browser.GetAsync("/");
        await _browser.SubmitAsync(form, "/", "complaint", ValidForm(form));

        _host.Time.Advance(TimeSpan.FromMinutes(31));
        var page = await _browser.GetAsync("/receipt");

        page.Html.Should().NotContain("id=\"query-code\"");
    }
}

public sealed class ComplaintFormRateLimitTests
{
    [Fact]
    public async Task Post_Returns429WithAMessageAndKeepsTheForm_WhenOneAddressSubmitsTooOften()
    {
        await using var host = Browser.StubFlowHost(new Dictionary<string, string> { ["RateLimits:SubmissionsPerMinute"] = "1" });
        using var browser = new Browser(host);
        var one = await browser.GetAsync("/");
        var other = await browser.GetAsync("/");

        var first = await browser.SubmitAsync(one, "/", "complaint", ComplaintFormTests.ValidForm(one));
        var second = await browser.SubmitAsync(other, "/", "complaint", ComplaintFormTests.ValidForm(other, "又一件：执法人员在检查中拒不出示证件。"));

        first.Status.Should().Be(HttpStatusCode.Found);
        second.Status.Should().Be(HttpStatusCode.TooManyRequests);
        second.RetryAfter.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMinutes(1), "the allowance is per minute");
        second.Text.Should().Contain("提交过于频繁，请稍后再试。");
        second.InputValue("Input.ComplainantName").Should().Be("次仁卓玛");
    }
}
