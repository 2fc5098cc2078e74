using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Complaints.ComplaintApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Cases;

/// <summary>The case file over the API and the staff notice link: scope by unit, identity masked by role, 404 outside.</summary>
public sealed class GetCaseTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();
    private string _number = "";

    public async Task InitializeAsync()
    {
        using var publicClient = _host.CreateClient();
        var (_, created) = await SubmitAsync(publicClient, ValidComplaint());
        _number = created!["trackingNumber"]!.GetValue<string>();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonObject? Body)> CaseAsync(string userName)
    {
        using var client = await StaffClients.SignedInAsync(_host, userName);
        var response = await client.GetAsync(new Uri($"/api/cases/{_number}", UriKind.Relative));
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<JsonObject>() : null);
    }

    /// <summary>A staff account beyond the demo set, with the demo password.</summary>
    private Task AddUserAsync(string userName, string orgUnitCode, string roles) =>
        _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            var demo = db.Users.Single(u => u.UserName == "clerk.lasa");
            db.Users.Add(new StaffUser { Id = Guid.NewGuid(), UserName = userName, DisplayName = userName, OrgUnitCode = orgUnitCode, Roles = roles, PasswordHash = demo.PasswordHash, IsActive = true });
            await db.SaveChangesAsync();
        });

    [Fact]
    public async Task GetCase_Returns401_WhenNotSignedIn()
    {
        using var client = _host.CreateClient();

        (await client.GetAsync(new Uri($"/api/cases/{_number}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GetCase_ShowsTheComplainant_WhenTheUserIsTheClerkOfTheUnitHandlingIt()
    {
        var (status, body) = await CaseAsync("clerk.chengguan");

        status.Should().Be(HttpStatusCode.OK);
        body!["complaint"]!["complainantName"]!.GetValue<string>().Should().Be("次仁卓玛");
        body["complaint"]!["identityShown"]!.GetValue<bool>().Should().BeTrue();
    }

    [Theory]
    [InlineData("lead")]
    [InlineData("reviewer")]
    [InlineData("clerk")]
    public async Task GetCase_MasksTheComplainant_WhenTheUserSeesTheCaseFromAboveOrInAnotherRole(string userName)
    {
        var (status, body) = await CaseAsync(userName);

        status.Should().Be(HttpStatusCode.OK);
        body!["complaint"]!["complainantName"]!.GetValue<string>().Should().Be("***");
        body.ToJsonString().Should().NotContain("次仁卓玛").And.NotContain("13908900000").And.NotContain(ValidResidentId());
    }

    [Theory]
    [InlineData("clerk.chengguan", true)]
    [InlineData("lead", false)]
    public async Task Notice_MasksTheComplainant_ForStaffWhoMayNotKnowWhoComplained(string userName, bool shown)
    {
        var (_, body) = await CaseAsync(userName);
        var receipt = body!["notices"]!.AsArray().Single(n => n!["title"]!.GetValue<string>() == "投诉举报受理回执")!["id"]!.GetValue<Guid>();
        using var client = await StaffClients.SignedInAsync(_host, userName);

        var html = await client.GetStringAsync(new Uri($"/staff/notices/{receipt}", UriKind.Relative));

        if (shown)
        {
            html.Should().Contain("次仁卓玛：");
        }
        else
        {
            html.Should().Contain("***：").And.NotContain("次仁卓玛").And.NotContain("13908900000");
        }
    }

    [Fact]
    public async Task GetCase_Returns404_WhenTheCaseIsInAnotherPrefecture()
    {
        // A clerk of 日喀则 (540200) is outside 城关区's line.
        await AddUserAsync("clerk.rikaze", "540200", "受理员");

        (await CaseAsync("clerk.rikaze")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GetCase_Returns404_WhenTheUsersOwnUnitIsTheRespondent()
    {
        await _host.InScopeAsync(async sp =>
        {
            // The complaint names 城关区司法局 itself: its staff must not read a complaint against their unit.
            var db = sp.GetRequiredService<WorkflowDbContext>();
            db.Complaints.Single(c => c.TrackingNumber == _number).RespondentUnitCode = "540102";
            await db.SaveChangesAsync();
        });

        (await CaseAsync("clerk.chengguan")).Status.Should().Be(HttpStatusCode.NotFound);
        (await CaseAsync("clerk.lasa")).Status.Should().Be(HttpStatusCode.OK, "the unit above still supervises it");
    }

    [Fact]
    public async Task Case_Returns404ForEveryStaffDoor_WhenTheCaseIsOutOfScope()
    {
        await AddUserAsync("handler.shannan", "540500", "受理员,承办人");
        using var inScope = await StaffClients.SignedInAsync(_host, "clerk.chengguan");
        var taskId = await StaffClients.TaskIdAsync(inScope, "acceptance", _number);
        using var outsider = await StaffClients.SignedInAsync(_host, "handler.shannan");

        (await outsider.GetAsync(new Uri($"/cases/{_number}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await outsider.GetAsync(new Uri($"/tasks/{taskId}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await outsider.PostAsync(new Uri($"/api/tasks/{taskId}/claim", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await outsider.PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome = "受理" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await inScope.GetAsync(new Uri($"/tasks/{taskId}", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Notice_Returns404_WhenTheCaseIsOutOfScopeOrTheUsersUnitIsTheRespondent()
    {
        var (_, body) = await CaseAsync("clerk.chengguan");
        var receipt = body!["notices"]!.AsArray().Single(n => n!["title"]!.GetValue<string>() == "投诉举报受理回执")!["id"]!.GetValue<Guid>();
        var url = new Uri($"/staff/notices/{receipt}", UriKind.Relative);
        await AddUserAsync("handler.shannan", "540500", "受理员,承办人");
        using var outsider = await StaffClients.SignedInAsync(_host, "handler.shannan");
        using var chengguan = await StaffClients.SignedInAsync(_host, "clerk.chengguan");
        (await chengguan.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.OK, "the clerk of the unit handling the case reads it");

        var outside = await outsider.GetAsync(url);
        await _host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<WorkflowDbContext>();
            db.Complaints.Single(c => c.TrackingNumber == _number).RespondentUnitCode = "540102";
            await db.SaveChangesAsync();
        });
        var respondent = await chengguan.GetAsync(url);

        outside.StatusCode.Should().Be(HttpStatusCode.NotFound, "山南 is outside 城关区's line");
        (await outside.Content.ReadAsStringAsync()).Should().NotContain("受理回执");
        respondent.StatusCode.Should().Be(HttpStatusCode.NotFound, "a unit never reads complaints against itself, not even its notices");
    }
}
