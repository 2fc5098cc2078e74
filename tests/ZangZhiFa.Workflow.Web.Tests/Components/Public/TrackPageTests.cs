using System.Net;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Public;

/// <summary>
/// <c>/track</c> against the page-test flow (<c>StubFlows/complaint-intake.json</c>): 待补正 with a 补正通知书 first,
/// then 回访评价, then 办结 — the states the page has to show.
/// </summary>
public sealed class TrackPageTests : IAsyncLifetime
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

    /// <summary>Files a complaint through the form in another browser and returns its receipt.</summary>
    private async Task<(string Number, string Code)> FileComplaintAsync()
    {
        using var other = new Browser(_host);
        var form = await other.GetAsync("/");
        var receipt = await other.FollowAsync(await other.SubmitAsync(form, "/", "complaint", ComplaintFormTests.ValidForm(form)));
        return (receipt.ById("tracking-number")!, receipt.ById("query-code")!);
    }

    private async Task<Page> LookUpAsync(string number, string code)
    {
        var form = await _browser.GetAsync("/track");
        return await _browser.SubmitAsync(form, "/track", "lookup", [new("Lookup.TrackingNumber", number), new("Lookup.QueryCode", code)]);
    }

    private async Task<Page> OpenAsync()
    {
        var (number, code) = await FileComplaintAsync();
        return await _browser.FollowAsync(await LookUpAsync(number, code));
    }

    [Fact]
    public async Task Track_ShowsStageTimelineAndNotices_WhenTheCodeIsRight()
    {
        var (number, code) = await FileComplaintAsync();

        var posted = await LookUpAsync(number.ToLowerInvariant(), $" {code.ToLowerInvariant()} ");
        var page = await _browser.FollowAsync(posted);

        posted.Location!.PathAndQuery.Should().Be("/track", "the code stays out of the URL");
        page.Status.Should().Be(HttpStatusCode.OK);
        page.Text.Should().Contain(number);
        page.ById("status").Should().Be("办理中");
        page.ById("stage").Should().Be("待补正");
        page.Text.Should().Contain("2026-03-02 09:00").And.Contain("已登记");
        page.Text.Should().MatchRegex("<a href=\"/track/notices/[0-9a-f-]{36}\" target=\"_blank\" rel=\"noopener\">补正通知书</a>");
        page.Text.Should().Contain("藏司补〔2026〕1号");
        page.Html.Should().Contain("name=\"Supplement.Text\"").And.NotContain("name=\"Rating.Rating\"");
        page.Text.Should().NotContain("次仁卓玛", "the status page shows the handling, not who complained");
    }

    [Fact]
    public async Task Track_KeepsTheOpenCase_WhenTheLanguageIsSwitched()
    {
        await OpenAsync();

        var page = await _browser.GetAsync("/track?lang=bo");

        page.Html.Should().Contain("<html lang=\"bo\">");
        page.ById("status").Should().Be("སྒྲུབ་བཞིན་པ།");
        page.ById("stage").Should().Be("待补正", "stage and timeline are the flow's own Chinese texts");
        page.Text.Should().Contain("ཁ་སྣོན་འབུལ།");
        page.ById("case-title").Should().NotContain("：", "a Tibetan label ends with its shad, not a Chinese colon");
    }

    [Fact]
    public async Task Track_ShowsTheSameNotFound_WhenTheCodeIsWrongOrTheNumberUnknown()
    {
        var (number, code) = await FileComplaintAsync();

        var wrongCode = await LookUpAsync(number, "AAAAAAAA");
        var unknown = await LookUpAsync("TS-2026-999999", code);

        wrongCode.Status.Should().Be(HttpStatusCode.OK);
        wrongCode.ById("track-problem").Should().Be("未找到该投诉举报：请核对登记编号和查询码。");
        unknown.ById("track-problem").Should().Be(wrongCode.ById("track-problem"));
        wrongCode.InputValue("Lookup.TrackingNumber").Should().Be(number);
        wrongCode.Html.Should().NotContain("AAAAAAAA", "a code is never echoed back");
        wrongCode.Html.Should().NotContain("id=\"stage\"");
    }

    [Fact]
    public async Task Track_Returns429WithAMessage_AfterTooManyWrongCodes()
    {
        var (number, code) = await FileComplaintAsync();
        for (var i = 0; i < 10; i++)
        {
            await LookUpAsync(number, $"WRONG{i:000}");
        }

        var refused = await LookUpAsync(number, code);

        refused.Status.Should().Be(HttpStatusCode.TooManyRequests);
        refused.ById("track-problem").Should().Be("查询失败次数过多，请稍后再试。");
    }

    [Fact]
    public async Task Track_AsksForBothFields_WhenOneIsEmpty()
    {
        var page = await LookUpAsync("TS-2026-000001", "");

        page.ById("track-problem").Should().Be("请填写登记编号和查询码。");
    }

    [Fact]
    public async Task Notice_OpensThePrintableHtml_WhenTheCaseIsOpen()
    {
        var page = await OpenAsync();
        var link = System.Text.RegularExpressions.Regex.Match(page.Html, "/track/notices/[0-9a-f-]{36}").Value;

        var notice = await _browser.GetAsync(link);
        using var stranger = new Browser(_host);
        var strangers = await stranger.GetAsync(link);

        notice.Status.Should().Be(HttpStatusCode.OK);
        notice.Text.Should().Contain("补正通知书").And.Contain("藏司补〔2026〕1号");
        strangers.Status.Should().Be(HttpStatusCode.Found);
        strangers.Location!.OriginalString.Should().Be("/track");
    }

    [Fact]
    public async Task Supplement_IsSentAndTheCaseMovesOn_WhenTheFlowAskedForIt()
    {
        var page = await OpenAsync();

        var empty = await _browser.SubmitAsync(page, "/track", "supplement", [new("Supplement.Text", "  ")]);
        var sent = await _browser.SubmitAsync(page, "/track", "supplement", [new("Supplement.Text", "补充：当时现场有视频，已保存。")]);
        var after = await _browser.FollowAsync(sent);

        empty.ById("text-error").Should().Be("错误：请填写补正内容（不超过 5000 字）");
        empty.ById("stage").Should().Be("待补正");
        sent.Location!.PathAndQuery.Should().Be("/track?done=supplement");
        after.Text.Should().Contain("补正内容已经提交。");
        after.ById("stage").Should().Be("回访评价");
        after.Html.Should().Contain("name=\"Rating.Rating\"").And.NotContain("name=\"Supplement.Text\"");
    }

    [Fact]
    public async Task Rate_AsksForAChoiceKeepingTheComment_ThenCloses_WhenTheCaseWaitsForARating()
    {
        var page = await OpenAsync();
        var rating = await _browser.FollowAsync(await _browser.SubmitAsync(page, "/track", "supplement", [new("Supplement.Text", "补充材料：现场视频。")]));

        var missing = await _browser.SubmitAsync(rating, "/track", "rating", [new("Rating.Comment", "处理得<b>很慢</b>")]);
        var rated = await _browser.SubmitAsync(rating, "/track", "rating", [new("Rating.Rating", "不满意"), new("Rating.Comment", "处理太慢")]);
        var after = await _browser.FollowAsync(rated);

        missing.ById("rating-error").Should().Be("错误：请选择：满意、基本满意或不满意");
        missing.TextAreaHtml("Rating.Comment").Should().Contain("&lt;b&gt;").And.NotContain("<b>");
        System.Net.WebUtility.HtmlDecode(missing.TextAreaHtml("Rating.Comment")).Should().Be("处理得<b>很慢</b>");
        rated.Location!.PathAndQuery.Should().Be("/track?done=rating");
        after.Text.Should().Contain("感谢您的评价。").And.Contain("评价：不满意");
        after.ById("status").Should().Be("已办结");
        after.Html.Should().NotContain("name=\"Rating.Rating\"");
    }

    [Fact]
    public async Task Rate_KeepsTheCommentAndRecordsNothing_WhenThePageExpired()
    {
        var page = await OpenAsync();
        var rating = await _browser.FollowAsync(await _browser.SubmitAsync(page, "/track", "supplement", [new("Supplement.Text", "补充材料：现场视频。")]));
        using var elsewhere = new Browser(_host);
        var foreignToken = await elsewhere.GetAsync("/track");

        var expired = await _browser.SubmitAsync(foreignToken, "/track", "rating", [new("Rating.Rating", "不满意"), new("Rating.Comment", "处理太慢")]);
        var again = await _browser.GetAsync("/track");

        expired.Status.Should().Be(HttpStatusCode.BadRequest);
        expired.ById("track-problem").Should().Be("页面已过期（安全校验未通过），刚才的操作没有执行，请再试一次。");
        System.Net.WebUtility.HtmlDecode(expired.TextAreaHtml("Rating.Comment")).Should().Be("处理太慢");
        again.ById("status").Should().Be("办理中", "nothing was rated");
        again.Html.Should().Contain("name=\"Rating.Rating\"");
    }

    [Fact]
    public async Task Rate_SaysTheCaseIsNotWaiting_WhenItIsNotAtTheRatingStage()
    {
        var page = await OpenAsync();

        // e.g. a second tab still showing an older state of the case
        var rated = await _browser.SubmitAsync(page, "/track", "rating", [new("Rating.Rating", "满意")]);

        rated.Status.Should().Be(HttpStatusCode.OK);
        rated.ById("track-problem").Should().Be("当前不在满意度评价阶段。");
        rated.ById("stage").Should().Be("待补正");
    }

    [Fact]
    public async Task Supplement_AsksToLookUpAgain_WhenTheOpenedCaseHasExpired()
    {
        var page = await OpenAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(31));

        var sent = await _browser.SubmitAsync(page, "/track", "supplement", [new("Supplement.Text", "补充材料：现场视频。")]);

        sent.Status.Should().Be(HttpStatusCode.OK);
        sent.ById("track-problem").Should().Be("查询已超时，请重新输入登记编号和查询码。");
        sent.Html.Should().Contain("name=\"Lookup.TrackingNumber\"");
    }

    [Fact]
    public async Task End_ShowsTheLookupFormAgain_WhenACaseWasOpen()
    {
        var page = await OpenAsync();

        var ended = await _browser.SubmitAsync(page, "/track", "end", []);
        var after = await _browser.FollowAsync(ended);

        after.Html.Should().Contain("name=\"Lookup.TrackingNumber\"").And.NotContain("id=\"stage\"");
    }
}
