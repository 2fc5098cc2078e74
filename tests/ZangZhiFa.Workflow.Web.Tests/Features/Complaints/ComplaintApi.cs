using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Complaints;

/// <summary>Talks to the public complaint API the way a browser script or another system would.</summary>
public static class ComplaintApi
{
    public static JsonObject ValidComplaint(string description = "2026年3月1日上午，城管执法人员在八廓街收缴我的摊位物品时未出示执法证件，并推搡我的家人。") => new()
    {
        ["anonymous"] = false,
        ["complainantName"] = "次仁卓玛",
        ["phone"] = "13908900000",
        ["email"] = "cirenzhuoma@example.test",
        ["idType"] = "居民身份证",
        ["idNumber"] = ValidResidentId(),
        ["address"] = "拉萨市城关区北京中路 1 号",
        ["enterprise"] = false,
        ["respondentUnitCode"] = "540102-cgzf",
        ["respondentOfficer"] = "王某",
        ["category"] = "野蛮执法",
        ["occurredAt"] = "2026-03-01",
        ["location"] = "拉萨市城关区八廓街",
        ["description"] = description,
    };

    /// <summary>An 18-digit resident ID with a correct GB 11643 check digit.</summary>
    public static string ValidResidentId()
    {
        const string body = "54010219900101123";
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = body.Select((c, i) => (c - '0') * weights[i]).Sum();
        return body + "10X98765432"[sum % 11];
    }

    public static async Task<(HttpResponseMessage Response, JsonObject? Body)> SubmitAsync(HttpClient client, JsonNode body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/complaints") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? null : JsonNode.Parse(text)?.AsObject());
    }

    public static async Task<(HttpResponseMessage Response, JsonObject? Body)> TrackAsync(HttpClient client, string trackingNumber, string queryCode)
    {
        var response = await client.GetAsync(new Uri($"/api/complaints/{trackingNumber}?queryCode={Uri.EscapeDataString(queryCode)}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? null : JsonNode.Parse(text)?.AsObject());
    }

    public static string[] ErrorKeys(JsonObject problem) =>
        [.. (problem["errors"] as JsonObject ?? []).Select(e => e.Key)];

    public static string Error(JsonObject problem, string field) =>
        problem["errors"]![field]![0]!.GetValue<string>();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
