using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Complaints;

public sealed class SubmitComplaintTests : IAsyncLifetime
{
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

    private Task<T> DbAsync<T>(Func<WorkflowDbContext, Task<T>> query) =>
        _host.InScopeAsync(sp => query(sp.GetRequiredService<WorkflowDbContext>()));

    [Fact]
    public async Task Submit_Returns201WithTrackingNumberAndCode_AndOpensAcceptanceTaskAtTheSupervisingBureau()
    {
        var (response, body) = await SubmitAsync(_client, ValidComplaint());

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var trackingNumber = body!["trackingNumber"]!.GetValue<string>();
        trackingNumber.Should().MatchRegex(@"^TS-2026-\d{6}$");
        body["queryCode"]!.GetValue<string>().Should().MatchRegex("^[A-HJ-NP-Z2-9]{8}$");
        response.Headers.Location!.ToString().Should().Be($"/api/complaints/{trackingNumber}");

        var task = await DbAsync(db => db.Tasks.AsNoTracking().SingleAsync(t => t.CorrelationId == trackingNumber && t.Status == WorkflowTaskStatus.Open));
        task.AssigneeRole.Should().Be("受理员");
        task.OrgUnitCode.Should().Be("540102", "城关区城市管理综合行政执法局 is supervised by 城关区司法局");
    }

    [Fact]
    public async Task Track_ShowsStageAndTimeline_WhenCodeIsRight()
    {
        var (_, created) = await SubmitAsync(_client, ValidComplaint());

        var (response, body) = await TrackAsync(_client, created!["trackingNumber"]!.GetValue<string>(), created["queryCode"]!.GetValue<string>());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body!["status"]!.GetValue<string>().Should().Be("办理中");
        body["stage"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        body["timeline"]!.AsArray().Should().NotBeEmpty();
        body.ToJsonString().Should().NotContain("次仁卓玛", "the status page shows the handling, not who complained");
    }

    [Fact]
    public async Task Submit_Returns400NamingEveryMissingField_AndStoresNothing()
    {
        var (response, body) = await SubmitAsync(_client, new JsonObject { ["anonymous"] = false });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        ErrorKeys(body!).Should().BeEquivalentTo(["complainantName", "phone", "respondentUnitCode", "category", "description"]);
        Error(body!, "description").Should().Be("请填写投诉举报的具体事实");
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(0);
        (await DbAsync(db => db.Instances.CountAsync())).Should().Be(0);
    }

    [Theory]
    [InlineData("phone", "12345", "联系电话格式不正确（手机号 11 位，或带区号的固定电话）")]
    [InlineData("email", "not-an-email", "电子邮箱格式不正确")]
    [InlineData("idNumber", "540102199001011230", "居民身份证号码不正确（18 位，末位可为 X）")]
    [InlineData("category", "态度不好", "投诉类别不在可选范围内")]
    [InlineData("respondentUnitCode", "999999", "被投诉单位不存在，请从列表中选择")]
    [InlineData("occurredAt", "2026-12-31", "发生时间不能晚于今天")]
    [InlineData("occurredAt", "3/1/2026", "发生时间格式应为 年-月-日，如 2026-03-01")]
    [InlineData("description", "太凶了", "请把事情经过写得具体一些（至少 10 个字）")]
    public async Task Submit_Returns400WithChineseMessage_WhenOneFieldIsWrong(string field, string value, string message)
    {
        var complaint = ValidComplaint();
        complaint[field] = value;

        var (response, body) = await SubmitAsync(_client, complaint);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ErrorKeys(body!).Should().Equal(field);
        Error(body!, field).Should().Be(message);
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task Submit_Returns400_WhenDescriptionExceeds5000Characters()
    {
        var (response, body) = await SubmitAsync(_client, ValidComplaint(new string('事', 5001)));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Error(body!, "description").Should().Be("具体事实不能超过 5000 字");
    }

    [Fact]
    public async Task Submit_Returns400NamingTheField_WhenJsonIsMalformedOrMistyped()
    {
        using var malformed = new StringContent("{\"category\": \"野蛮执法\",", System.Text.Encoding.UTF8, "application/json");
        var broken = await _client.PostAsync(new Uri("/api/complaints", UriKind.Relative), malformed);
        var mistyped = await SubmitAsync(_client, new JsonObject { ["anonymous"] = "是" });

        broken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ErrorKeys(JsonNode.Parse(await broken.Content.ReadAsStringAsync())!.AsObject()).Should().Equal("$");
        mistyped.Response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        ErrorKeys(mistyped.Body!).Should().Equal("anonymous");
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task Submit_AcceptsAnonymousComplaint_WithoutKeepingAnyIdentity()
    {
        var complaint = ValidComplaint();
        complaint["anonymous"] = true;
        complaint.Remove("email");

        var (response, body) = await SubmitAsync(_client, complaint);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var stored = await DbAsync(db => db.Complaints.AsNoTracking().SingleAsync());
        stored.ComplainantName.Should().BeNull();
        stored.Phone.Should().BeNull();
        stored.IdNumber.Should().BeNull();
        stored.Address.Should().BeNull();
        var variables = await DbAsync(db => db.Instances.AsNoTracking().Select(i => i.VariablesJson).SingleAsync());
        variables.Should().NotContain("次仁卓玛").And.NotContain("13908900000");
        body!["trackingNumber"].Should().NotBeNull();
    }

    [Fact]
    public async Task Submit_ReturnsTheFirstComplaint_WhenTheSameIdempotencyKeyComesAgainWithTheSameContent()
    {
        var first = await SubmitAsync(_client, ValidComplaint(), "key-0001");
        var second = await SubmitAsync(_client, ValidComplaint(), "key-0001");

        first.Response.StatusCode.Should().Be(HttpStatusCode.Created);
        second.Response.StatusCode.Should().Be(HttpStatusCode.OK);
        second.Body!["trackingNumber"]!.GetValue<string>().Should().Be(first.Body!["trackingNumber"]!.GetValue<string>());
        second.Body["queryCode"]!.GetValue<string>().Should().Be(first.Body["queryCode"]!.GetValue<string>());
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task Submit_Returns422WithoutTheFirstComplaintsCode_WhenAKeyIsReusedForOtherContent()
    {
        var keyed = await SubmitAsync(_client, ValidComplaint("第一件投诉：执法人员在检查中未出示证件并当场罚款。"), "key-0002");
        var other = await SubmitAsync(_client, ValidComplaint("第二件投诉：窗口工作人员拒绝受理申请。"));

        var reused = await SubmitAsync(_client, ValidComplaint("第二件投诉：窗口工作人员拒绝受理申请。"), "key-0002");
        var guessed = await SubmitAsync(_client, ValidComplaint("随便写的内容，只为试出别人的查询码。"), "key-0002");

        other.Response.StatusCode.Should().Be(HttpStatusCode.Created);
        foreach (var attempt in new[] { reused, guessed })
        {
            attempt.Response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
            attempt.Response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            Error(attempt.Body!, "Idempotency-Key").Should().Contain("已用于另一份内容不同的投诉举报");
            attempt.Body!.ToJsonString().Should().NotContain(keyed.Body!["queryCode"]!.GetValue<string>(),
                "whoever reuses or guesses a key must not learn the code that opens the first complainant's case");
        }

        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(2);
    }

    [Fact]
    public async Task Submit_Returns400NotTheReusedKeys422_WhenTheKeyIsOnlyTooLong()
    {
        var (response, problem) = await SubmitAsync(_client, ValidComplaint(), new string('k', 101));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, "an overlong key is a wrong value, not a key used before");
        Error(problem!, "Idempotency-Key").Should().Contain("不能超过 100 个字符");
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task Submit_StoresAndPrintsTheTextWithoutControlOrBidiCharacters_WhenTheyWereTyped()
    {
        var complaint = ValidComplaint("执法人员\u0007态度粗暴，\u202e未出示执法证件并推搡我的家人。");
        complaint["complainantName"] = "张\u0000三\u202e";

        var (response, body) = await SubmitAsync(_client, complaint);

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var number = body!["trackingNumber"]!.GetValue<string>();
        var stored = await DbAsync(db => db.Complaints.AsNoTracking().SingleAsync(c => c.TrackingNumber == number));
        stored.ComplainantName.Should().Be("张三");
        stored.Description.Should().Be("执法人员态度粗暴，未出示执法证件并推搡我的家人。");
        var receipt = await DbAsync(db => db.Notices.AsNoTracking().SingleAsync(n => n.CorrelationId == number));
        receipt.Html.Should().Contain("张三").And.NotContain("&#x0;").And.NotContain("\u202e");
    }

    [Fact]
    public async Task Submit_Returns400_WhenTheDescriptionIsTenCharactersOnlyCountingInvisibleOnes()
    {
        var (response, problem) = await SubmitAsync(_client, ValidComplaint(new string('\u200b', 20) + "未出示证件"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Error(problem!, "description").Should().Contain("至少 10 个字");
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task Submit_CreatesExactlyOneComplaint_WhenTheSameRequestArrivesTenTimesAtOnce()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => SubmitAsync(_client, ValidComplaint(), "double-click")));

        results.Count(r => r.Response.StatusCode == HttpStatusCode.Created).Should().Be(1);
        results.Should().OnlyContain(r => r.Response.IsSuccessStatusCode);
        results.Select(r => r.Body!["trackingNumber"]!.GetValue<string>()).Distinct().Should().ContainSingle();
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(1);
        (await DbAsync(db => db.Instances.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task Submit_FoldsIdenticalContentWithinAMinute_ButNotLater()
    {
        var first = await SubmitAsync(_client, ValidComplaint());
        var again = await SubmitAsync(_client, ValidComplaint());
        _host.Time.Advance(TimeSpan.FromMinutes(2));
        var later = await SubmitAsync(_client, ValidComplaint());

        again.Response.StatusCode.Should().Be(HttpStatusCode.OK);
        again.Body!["trackingNumber"]!.GetValue<string>().Should().Be(first.Body!["trackingNumber"]!.GetValue<string>());
        later.Response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await DbAsync(db => db.Complaints.CountAsync())).Should().Be(2);
        later.Body!["trackingNumber"]!.GetValue<string>().Should().Be("TS-2026-000002", "the folded resubmission used up no number");
    }

    [Fact]
    public async Task Track_Returns404ForWrongCodeAndUnknownNumberAlike()
    {
        var (_, created) = await SubmitAsync(_client, ValidComplaint());
        var number = created!["trackingNumber"]!.GetValue<string>();

        var wrongCode = await TrackAsync(_client, number, "AAAAAAAA");
        var unknown = await TrackAsync(_client, "TS-2026-999999", created["queryCode"]!.GetValue<string>());

        wrongCode.Response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        unknown.Response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        wrongCode.Response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json", "refusals are problem documents throughout the API");
        // The trace id differs per request whatever was asked; everything else must be the same.
        wrongCode.Body!.Remove("traceId");
        unknown.Body!.Remove("traceId");
        wrongCode.Body.ToJsonString().Should().Be(unknown.Body.ToJsonString(), "no hint whether the number exists");
    }

    [Fact]
    public async Task Track_RefusesEvenTheRightCode_AfterTooManyWrongGuesses()
    {
        var (_, created) = await SubmitAsync(_client, ValidComplaint());
        var number = created!["trackingNumber"]!.GetValue<string>();
        for (var i = 0; i < 10; i++)
        {
            (await TrackAsync(_client, number, $"WRONG{i:000}")).Response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        var right = await TrackAsync(_client, number, created["queryCode"]!.GetValue<string>());
        right.Response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        right.Response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromMinutes(10), "the ten failures leave the 10-minute window together");

        _host.Time.Advance(TimeSpan.FromMinutes(4));
        var later = await TrackAsync(_client, number, created["queryCode"]!.GetValue<string>());
        later.Response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        later.Response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromMinutes(6));

        _host.Time.Advance(TimeSpan.FromMinutes(6));
        (await TrackAsync(_client, number, created["queryCode"]!.GetValue<string>())).Response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Satisfaction_Returns409_WhenTheCaseIsNotWaitingForARating()
    {
        var (_, created) = await SubmitAsync(_client, ValidComplaint());
        var url = $"/api/complaints/{created!["trackingNumber"]}/satisfaction?queryCode={created["queryCode"]}";

        var response = await _client.PostAsync(new Uri(url, UriKind.Relative), System.Net.Http.Json.JsonContent.Create(new { rating = "满意" }));

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync()).Should().Contain("当前不在满意度评价阶段");
    }

    [Fact]
    public async Task OrgUnits_ReturnsTheFourLevelTreeWithEnforcementUnits()
    {
        var tree = JsonNode.Parse(await _client.GetStringAsync(new Uri("/api/org-units", UriKind.Relative)))!.AsArray();

        var region = tree.Single(n => n!["code"]!.GetValue<string>() == "540000")!;
        region["name"]!.GetValue<string>().Should().Be("西藏自治区司法厅");
        var lhasa = region["children"]!.AsArray().Single(n => n!["code"]!.GetValue<string>() == "540100")!;
        var chengguan = lhasa["children"]!.AsArray().Single(n => n!["code"]!.GetValue<string>() == "540102")!;
        chengguan["children"]!.AsArray().Select(n => n!["name"]!.GetValue<string>()).Should().Contain(["城关区城市管理综合行政执法局", "城关区八廓街道司法所"]);
        chengguan["level"]!.GetValue<int>().Should().Be(3);
    }
}

public sealed class SubmitRateLimitTests
{
    [Fact]
    public async Task Submit_Returns429_WhenOneAddressSubmitsTooOften()
    {
        await using var host = new WorkflowHost(settings: new Dictionary<string, string> { ["RateLimits:SubmissionsPerMinute"] = "3" });
        using var client = host.CreateClient();

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            responses.Add((await SubmitAsync(client, ValidComplaint($"第 {i} 次投诉：执法人员在检查中态度粗暴，拒不出示证件。"))).Response);
        }

        responses.Select(r => r.StatusCode).Should().Equal(HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests);
        responses[^1].Headers.RetryAfter!.Delta!.Value.TotalSeconds.Should().BeInRange(1, 60, "the client is told when the window opens again");
    }
}
