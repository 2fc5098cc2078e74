using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ZangZhiFa.Workflow.Web.Tests.Support;

/// <summary>Signed-in API clients for the demo staff accounts, and the open tasks of a case as they see them.</summary>
public static class StaffClients
{
    public const string Password = "Demo#2026";

    public static async Task<HttpClient> SignedInAsync(WorkflowHost host, string userName)
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        var response = await client.PostAsJsonAsync("/api/auth/login", new { userName, password = Password });
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"{userName} signs in with the demo password");
        return client;
    }

    public static async Task<Guid> TaskIdAsync(HttpClient staff, string activityId, string caseNumber)
    {
        var tasks = (await staff.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray();
        return tasks.Single(t => t!["activityId"]!.GetValue<string>() == activityId && t["caseNumber"]!.GetValue<string>() == caseNumber)!["id"]!.GetValue<Guid>();
    }
}
