using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Runtime;
using ZangZhiFa.Workflow.Web.Cli;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Cli;

public sealed class VerifyAuditCommandTests
{
    [Fact]
    public async Task Run_ExitsZeroThenOne_WhenAJournalRowIsEditedInTheDatabase()
    {
        await using var host = new WorkflowHost();
        using var client = host.CreateClient();
        await host.InScopeAsync(async sp =>
        {
            var inputs = new JsonObject { ["caseTitle"] = "审计链测试", ["unitCode"] = "540102", ["applicantEmail"] = "" };
            await sp.GetRequiredService<WorkflowRunner>().StartAsync("demo-supervision", inputs, new StartOptions("AUDIT-1", "clerk"), CancellationToken.None);
            await sp.GetRequiredService<IWorkflowStore>().SaveChangesAsync(CancellationToken.None);
        });

        var intact = new StringWriter();
        (await VerifyAuditCommand.RunAsync(host.Services, intact)).Should().Be(0);
        intact.ToString().Should().MatchRegex(@"^journal intact: \d+ line\(s\) verified");

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(host.DataDirectory, "zangzhifa.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var tamper = connection.CreateCommand();
            tamper.CommandText = "UPDATE journal SET Actor = 'nobody' WHERE Sequence = 2";
            (await tamper.ExecuteNonQueryAsync()).Should().Be(1);
        }

        var broken = new StringWriter();
        (await VerifyAuditCommand.RunAsync(host.Services, broken)).Should().Be(1);
        broken.ToString().Should().StartWith("journal broken at line 2: ");
    }
}

public sealed class VerifyAuditEndpointTests
{
    [Fact]
    public async Task Verify_AnswersAdminsOnly_AndReportsAnIntactJournal()
    {
        await using var host = new WorkflowHost();
        using var anonymous = host.CreateClient();
        using var clerk = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        using var admin = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(clerk, "/api/auth/login", new { userName = "clerk", password = "Demo#2026" })).EnsureSuccessStatusCode();
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(admin, "/api/auth/login", new { userName = "admin", password = "Demo#2026" })).EnsureSuccessStatusCode();

        (await anonymous.GetAsync(new Uri("/api/audit/verify", UriKind.Relative))).StatusCode.Should().Be(System.Net.HttpStatusCode.Unauthorized);
        (await clerk.GetAsync(new Uri("/api/audit/verify", UriKind.Relative))).StatusCode.Should().Be(System.Net.HttpStatusCode.Forbidden);
        var verdict = JsonNode.Parse(await admin.GetStringAsync(new Uri("/api/audit/verify", UriKind.Relative)))!;
        verdict["intact"]!.GetValue<bool>().Should().BeTrue();
    }
}
