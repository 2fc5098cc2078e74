using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Model;
using ZangZhiFa.Workflow.Infrastructure.Audit;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Tests.Support;
using static ZangZhiFa.Workflow.Web.Tests.Features.Admin.AdminApi;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Admin;

/// <summary>组织机构与用户: units and accounts change only through checks, and every change is a journal line with before and after.</summary>
public sealed class OrgAdminTests : IAsyncLifetime
{
    private readonly WorkflowHost _host = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/api/admin/org-units")]
    [InlineData("/api/admin/users")]
    public async Task OrgEndpoints_Refuse_WhenNotAdmin(string url)
    {
        using var anonymous = _host.CreateClient();
        using var clerk = await SignInAsync(_host, "clerk");

        (await anonymous.GetAsync(new Uri(url, UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await clerk.GetAsync(new Uri(url, UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await clerk.PostAsJsonAsync(url, new { })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task SaveUnit_CreatesAndRenamesWithJournalLines_WhenValid()
    {
        using var admin = await SignInAsync(_host);

        var created = await admin.PostAsJsonAsync("/api/admin/org-units", new { code = "540102003", name = "城关区纳金街道司法所", level = 4, parentCode = "540102", kind = "justice", sortOrder = 50 });
        var renamed = await admin.PutAsJsonAsync("/api/admin/org-units/540102003", new { name = "城关区纳金司法所", level = 4, parentCode = "540102", kind = "justice", sortOrder = 50 });

        created.StatusCode.Should().Be(HttpStatusCode.NoContent);
        renamed.StatusCode.Should().Be(HttpStatusCode.NoContent);
        var units = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/org-units"))!;
        units.Single(u => u!["code"]!.GetValue<string>() == "540102003")!["name"]!.GetValue<string>().Should().Be("城关区纳金司法所");
        var lines = await JournalAsync("admin:org-unit:540102003");
        lines.Select(l => l.Event).Should().Equal("org-unit-created", "org-unit-updated");
        lines.Should().OnlyContain(l => l.Actor == "admin");
        lines[0].Summary.Should().Contain("修改前：（无）").And.Contain("城关区纳金街道司法所");
        lines[1].Summary.Should().Contain("修改前：{\"code\":\"540102003\",\"name\":\"城关区纳金街道司法所\"").And.Contain("修改后：{\"code\":\"540102003\",\"name\":\"城关区纳金司法所\"");
        (await VerifyAsync()).Intact.Should().BeTrue();
    }

    [Fact]
    public async Task SaveUnit_Returns400NamingFields_WhenParentIsBelowOrUnknown()
    {
        using var admin = await SignInAsync(_host);

        var cycle = await admin.PutAsJsonAsync("/api/admin/org-units/540100", new { name = "拉萨市司法局", level = 2, parentCode = "540102", kind = "justice", sortOrder = 1 });
        var unknown = await admin.PostAsJsonAsync("/api/admin/org-units", new { code = "x1", name = "某单位", level = 3, parentCode = "999999", kind = "other", sortOrder = 1 });

        cycle.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await cycle.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Contain("parentCode");
        var errors = (await unknown.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key);
        errors.Should().Contain("parentCode").And.Contain("kind");
        (await JournalAsync("admin:org-unit:540100")).Should().BeEmpty();
    }

    [Fact]
    public async Task Users_CreateLockUnlockAndResetPassword_EachJournaled()
    {
        using var admin = await SignInAsync(_host);

        var created = await admin.PostAsJsonAsync("/api/admin/users", new
        {
            userName = "reviewer.new", displayName = "央金", email = "yangjin@example.com", orgUnitCode = "540102",
            roles = new[] { "法制审核员" }, legalQualification = true, password = "Initial#2026a",
        });
        created.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await LoginAsync("reviewer.new", "Initial#2026a")).Should().Be(HttpStatusCode.OK);

        (await admin.PostAsync(new Uri("/api/admin/users/reviewer.new/lock", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await LoginAsync("reviewer.new", "Initial#2026a")).Should().Be(HttpStatusCode.Unauthorized);
        (await admin.PostAsync(new Uri("/api/admin/users/reviewer.new/unlock", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await admin.PostAsJsonAsync("/api/admin/users/reviewer.new/password", new { password = "Changed#2026b" })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await LoginAsync("reviewer.new", "Initial#2026a")).Should().Be(HttpStatusCode.Unauthorized);
        (await LoginAsync("reviewer.new", "Changed#2026b")).Should().Be(HttpStatusCode.OK);

        var users = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/users"))!;
        var user = users.Single(u => u!["userName"]!.GetValue<string>() == "reviewer.new")!;
        user["legalQualification"]!.GetValue<bool>().Should().BeTrue();
        user["roles"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("法制审核员");
        var lines = await JournalAsync("admin:user:reviewer.new");
        lines.Select(l => l.Event).Should().Equal("user-created", "user-locked", "user-unlocked", "user-password-reset");
        lines[1].Summary.Should().Contain("\"locked\":false").And.Contain("修改后：").And.Contain("\"locked\":true");
        lines.Should().OnlyContain(l => l.Actor == "admin" && !l.Summary!.Contains("AQAAAA", StringComparison.Ordinal), "no password hash goes to the journal");
    }

    [Fact]
    public async Task LockedUser_CookieStopsWorking_AfterRecheckInterval()
    {
        using var admin = await SignInAsync(_host);
        using var clerk = await SignInAsync(_host, "clerk");
        (await clerk.GetAsync(new Uri("/api/tasks", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK);

        (await admin.PostAsync(new Uri("/api/admin/users/clerk/lock", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NoContent);
        _host.Time.Advance(TimeSpan.FromMinutes(2));

        (await clerk.GetAsync(new Uri("/api/tasks", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await admin.GetAsync(new Uri("/api/admin/users", UriKind.Relative))).StatusCode.Should().Be(HttpStatusCode.OK, "an active account's cookie still works after the re-check");
    }

    [Fact]
    public async Task WeakPassword_IsRefusedTheSameWay_ByAdminResetAndOwnChange()
    {
        using var admin = await SignInAsync(_host);

        var reset = await admin.PostAsJsonAsync("/api/admin/users/clerk/password", new { password = "short1" });
        var own = await admin.PostAsJsonAsync("/api/auth/password", new { currentPassword = "Demo#2026", newPassword = "onlyletterslong" });

        reset.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        own.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await reset.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["password"]![0]!.GetValue<string>().Should().Be("密码至少 10 位，须同时包含字母和数字");
        (await own.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["newPassword"]![0]!.GetValue<string>().Should().Be("新密码至少 10 位，须同时包含字母和数字");
    }

    [Fact]
    public async Task SaveUser_ChangesRolesAndQualification_WithBeforeAndAfter()
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.PutAsJsonAsync("/api/admin/users/handler.lasa", new
        {
            displayName = "拉萨承办人", email = "", orgUnitCode = "540100", roles = new[] { "承办人", "法制审核员" }, legalQualification = true,
        });
        var bad = await admin.PutAsJsonAsync("/api/admin/users/handler.lasa", new { displayName = "", orgUnitCode = "nowhere", roles = new[] { "国王" } });

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().BeEquivalentTo(["displayName", "orgUnitCode", "roles"]);
        var line = (await JournalAsync("admin:user:handler.lasa")).Should().ContainSingle().Subject;
        line.Summary.Should().Contain("修改前：").And.Contain("\"roles\":[\"承办人\"]").And.Contain("\"roles\":[\"承办人\",\"法制审核员\"]");
    }

    [Fact]
    public async Task SaveUser_Returns400NamingRoles_WhenAdminRemovesOwnAdminRole()
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.PutAsJsonAsync("/api/admin/users/admin", new { displayName = "管理员", orgUnitCode = "540000", roles = new[] { "受理员" } });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["roles"]![0]!.GetValue<string>().Should().Be("不能取消自己的管理员角色");
        var users = (await admin.GetFromJsonAsync<JsonArray>("/api/admin/users"))!;
        users.Single(u => u!["userName"]!.GetValue<string>() == "admin")!["roles"]!.AsArray().Select(r => r!.GetValue<string>()).Should().Equal("管理员");
        (await JournalAsync("admin:user:admin")).Should().BeEmpty();
    }

    [Fact]
    public async Task AdminChanges_Return400_WhenTheyWouldLeaveNoActiveAdmin()
    {
        using var admin = await SignInAsync(_host);
        (await admin.PostAsJsonAsync("/api/admin/users", new
        {
            userName = "admin.two", displayName = "次仁", orgUnitCode = "540000", roles = new[] { "管理员" }, password = "Second#2026a",
        })).StatusCode.Should().Be(HttpStatusCode.NoContent);
        using var second = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        (await second.PostAsJsonAsync("/api/auth/login", new { userName = "admin.two", password = "Second#2026a" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await second.PostAsync(new Uri("/api/admin/users/admin/lock", UriKind.Relative), null)).StatusCode.Should().Be(HttpStatusCode.NoContent);

        // The session of the locked admin would end at its next check; the last active admin is now admin.two, whom
        // the database (not the locked admin's stale cookie) protects.
        await _host.InScopeAsync(async sp =>
        {
            var org = sp.GetRequiredService<ZangZhiFa.Workflow.Web.Features.Admin.OrgAdmin>();
            var demote = await org.SaveUserAsync("admin.two", new(null, "次仁", null, "540000", ["受理员"], false, null), "admin", CancellationToken.None);
            var lockLast = await org.SetLockedAsync("admin.two", true, "admin", CancellationToken.None);

            demote.Should().ContainKey("roles").WhoseValue.Should().Equal("不能取消最后一个在用管理员账户的管理员角色");
            lockLast.Should().ContainKey("userName").WhoseValue.Should().Equal("不能锁定最后一个在用的管理员账户");
        });
    }

    [Fact]
    public async Task CreateUser_Returns400NamingUserName_WhenNameDiffersOnlyInCase()
    {
        using var admin = await SignInAsync(_host);
        object User(string userName) => new
        {
            userName, displayName = "扎西", orgUnitCode = "540102", roles = new[] { "受理员" }, password = "Initial#2026a",
        };

        var first = await admin.PostAsJsonAsync("/api/admin/users", User("officer.test"));
        var second = await admin.PostAsJsonAsync("/api/admin/users", User("OFFICER.TEST"));
        var demo = await admin.PostAsJsonAsync("/api/admin/users", User("Clerk"));

        first.StatusCode.Should().Be(HttpStatusCode.NoContent);
        second.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await second.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["userName"]![0]!.GetValue<string>().Should().Contain("officer.test");
        demo.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JournalAsync("admin:user:OFFICER.TEST")).Should().BeEmpty();
    }

    [Theory]
    [InlineData(4, "540100")]
    [InlineData(4, "540103")]
    public async Task SaveUnit_Returns400NamingLevel_WhenChildrenWouldSitAboveIt(int level, string parentCode)
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.PutAsJsonAsync("/api/admin/org-units/540102", new { name = "城关区司法局", level, parentCode, kind = "justice", sortOrder = 6 });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Equal("level");
        (await JournalAsync("admin:org-unit:540102")).Should().BeEmpty();
    }

    [Fact]
    public async Task SaveUnit_MovesAUnit_WhenItsChildrenStayBelowIt()
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.PutAsJsonAsync("/api/admin/org-units/540102", new { name = "城关区司法局", level = 3, parentCode = "540000", kind = "justice", sortOrder = 6 });

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("a/b?c")]
    [InlineData("540102%2F1")]
    [InlineData("-540102")]
    [InlineData("城关")]
    [InlineData("540102.1")]
    public async Task CreateUnit_Returns400NamingCode_WhenCodeIsNotUrlSafe(string code)
    {
        using var admin = await SignInAsync(_host);

        var response = await admin.PostAsJsonAsync("/api/admin/org-units", new { code, name = "某司法所", level = 4, parentCode = "540102", kind = "justice", sortOrder = 1 });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Equal("code");
    }

    [Fact]
    public async Task UpdateUnit_Returns400NamingCode_WhenBodyCodeDiffersFromUrl()
    {
        using var admin = await SignInAsync(_host);

        var renamed = await admin.PutAsJsonAsync("/api/admin/org-units/540102001", new { code = "540102009", name = "某司法所", level = 4, parentCode = "540102", kind = "justice", sortOrder = 1 });
        var same = await admin.PutAsJsonAsync("/api/admin/org-units/540102001", new { code = "540102001", name = "某司法所", level = 4, parentCode = "540102", kind = "justice", sortOrder = 1 });

        renamed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await renamed.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key).Should().Equal("code");
        same.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task SavedUnit_KeepsAdminChange_AfterRestartReseeds()
    {
        var data = Directory.CreateTempSubdirectory("zzf-org-").FullName;
        try
        {
            await using (var first = new WorkflowHost(data))
            {
                using var admin = await SignInAsync(first);
                (await admin.PutAsJsonAsync("/api/admin/org-units/540102", new { name = "拉萨市城关区司法局", level = 3, parentCode = "540100", kind = "justice", sortOrder = 6 }))
                    .StatusCode.Should().Be(HttpStatusCode.NoContent);
            }

            await using var second = new WorkflowHost(data);
            using var again = await SignInAsync(second);
            var units = (await again.GetFromJsonAsync<JsonArray>("/api/admin/org-units"))!;
            units.Single(u => u!["code"]!.GetValue<string>() == "540102")!["name"]!.GetValue<string>().Should().Be("拉萨市城关区司法局");
            units.Single(u => u!["code"]!.GetValue<string>() == "540100")!["name"]!.GetValue<string>().Should().Be("拉萨市司法局");
        }
        finally
        {
            WorkflowHost.DeleteData(data);
        }
    }

    [Fact]
    public async Task OrgPages_RenderForAdmin()
    {
        using var admin = await SignInAsync(_host);

        var units = WebUtility.HtmlDecode(await admin.GetStringAsync(new Uri("/admin/org-units", UriKind.Relative)));
        var users = WebUtility.HtmlDecode(await admin.GetStringAsync(new Uri("/admin/users", UriKind.Relative)));

        units.Should().Contain("城关区司法局").And.Contain("unit-form");
        users.Should().Contain("reviewer.chengguan").And.Contain("法律职业资格");
    }

    private async Task<HttpStatusCode> LoginAsync(string userName, string password)
    {
        using var client = _host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        return (await client.PostAsJsonAsync("/api/auth/login", new { userName, password })).StatusCode;
    }

    private Task<List<JournalEntry>> JournalAsync(string caseKey) =>
        _host.InScopeAsync(sp => sp.GetRequiredService<WorkflowDbContext>().Journal.AsNoTracking().Where(j => j.CaseKey == caseKey).OrderBy(j => j.Sequence).ToListAsync());

    private Task<JournalChain.Verdict> VerifyAsync() =>
        _host.InScopeAsync(sp => JournalChain.VerifyAsync(sp.GetRequiredService<WorkflowDbContext>(), CancellationToken.None));
}
