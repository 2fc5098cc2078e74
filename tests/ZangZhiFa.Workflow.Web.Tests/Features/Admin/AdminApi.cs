using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Admin;

/// <summary>Talks to <c>/api/admin</c> as the designer page's script or an admin's tool would.</summary>
public static class AdminApi
{
    public static async Task<HttpClient> SignInAsync(WorkflowHost host, string userName = "admin")
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        (await client.PostAsJsonAsync("/api/auth/login", new { userName, password = "Demo#2026" })).EnsureSuccessStatusCode();
        return client;
    }

    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<string> ExportAsync(HttpClient admin, string id, int version)
    {
        var response = await admin.GetAsync(new Uri($"/api/admin/workflows/{id}/versions/{version}", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public static async Task<(HttpResponseMessage Response, JsonObject Body)> PostAsync(HttpClient admin, string url, string json)
    {
        var response = await admin.PostAsync(new Uri(url, UriKind.Relative), Body(json));
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    public static string[] ErrorTexts(JsonObject body) =>
        [.. body["errors"]!.AsArray().Select(e => e!["text"]!.GetValue<string>())];

    /// <summary>
    /// complaint-intake with a 监督科长 approval (监督科长审核) before the reply: both ways into 答复 now go through it,
    /// and 退回 sends the case back to the decision.
    /// </summary>
    public static string WithLeadApproval(string exported)
    {
        var definition = WorkflowDefinitionSerializer.Deserialize(exported, "complaint-intake.json");
        definition.Activities.Add(new ActivityDefinition
        {
            Id = "lead_approval",
            Type = "HumanTask",
            Title = "监督科长审核答复",
            Properties = JsonNode.Parse("""
                {
                  "title": "审核答复：{{ complaint.trackingNumber }}",
                  "assignee": { "role": "监督科长", "orgUnit": "supervisingUnitCode" },
                  "outcomes": [ "同意", "退回" ],
                  "form": [ { "name": "opinion", "label": "审核意见", "type": "textarea", "requiredFor": [ "退回" ], "maxLength": 1000 } ]
                }
                """)!.AsObject(),
            Position = new DesignerPosition { X = 1700, Y = 300 },
        });
        foreach (var connection in definition.Connections.Where(c => c.To == "notify_reply"))
        {
            connection.To = "lead_approval";
        }

        definition.Connections.Add(new ConnectionDefinition { From = "lead_approval", Outcome = "同意", To = "notify_reply" });
        definition.Connections.Add(new ConnectionDefinition { From = "lead_approval", Outcome = "退回", To = "decide" });
        return WorkflowDefinitionSerializer.Serialize(definition);
    }
}
