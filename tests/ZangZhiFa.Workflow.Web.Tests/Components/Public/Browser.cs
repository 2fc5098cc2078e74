using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Components.Public;

/// <summary>
/// A browser with JavaScript off: keeps cookies, posts forms the way the page rendered them, and does not follow
/// redirects by itself so the tests can assert post/redirect/get.
/// </summary>
public sealed class Browser(WorkflowHost host) : IDisposable
{
    private readonly HttpClient _client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A host whose <c>complaint-intake</c> is the page-test double in <c>StubFlows/</c>.</summary>
    public static WorkflowHost StubFlowHost(IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["Paths:Workflows"] = Path.Combine(AppContext.BaseDirectory, "Components", "Public", "StubFlows"),
        };
        return new WorkflowHost(settings: all);
    }

    public HttpClient Client => _client;

    public async Task<Page> GetAsync(string url) => await Page.ReadAsync(await _client.GetAsync(new Uri(url, UriKind.Relative)));

    /// <summary>Posts the form named <paramref name="formName"/> of <paramref name="page"/> with its antiforgery token.</summary>
    public async Task<Page> SubmitAsync(Page page, string url, string formName, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var body = new List<KeyValuePair<string, string>>
        {
            new("_handler", formName),
            new("__RequestVerificationToken", page.AntiforgeryToken),
        };
        body.AddRange(fields);
        using var content = new FormUrlEncodedContent(body);
        return await Page.ReadAsync(await _client.PostAsync(new Uri(url, UriKind.Relative), content));
    }

    /// <summary>Posts the form as <c>multipart/form-data</c> (its <c>enctype</c>), with files in the file input <paramref name="fileField"/>.</summary>
    public async Task<Page> SubmitWithFilesAsync(Page page, string url, string formName, IEnumerable<KeyValuePair<string, string>> fields, string fileField, params (string Name, byte[] Content)[] files)
    {
        using var content = new MultipartFormDataContent
        {
            { new StringContent(formName), "_handler" },
            { new StringContent(page.AntiforgeryToken), "__RequestVerificationToken" },
        };
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }

        foreach (var (name, bytes) in files)
        {
            // Set by hand: an empty file input posts filename="", which MultipartFormDataContent.Add refuses.
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("form-data") { Name = $"\"{fileField}\"", FileName = $"\"{name}\"" };
            if (name.Length > 0)
            {
                part.Headers.ContentDisposition.FileNameStar = name;
            }

            content.Add(part);
        }

        return await Page.ReadAsync(await _client.PostAsync(new Uri(url, UriKind.Relative), content));
    }

    /// <summary>Follows a redirect the way a browser does after a POST: GET the location.</summary>
    public Task<Page> FollowAsync(Page redirect)
    {
        redirect.Status.Should().Be(HttpStatusCode.Found, redirect.Text);
        return GetAsync(redirect.Location!.PathAndQuery);
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>A response as a page. <see cref="Html"/> is the raw markup; <see cref="Text"/> decodes the character
/// references Blazor writes for every non-ASCII character (its renderer hard-codes the default HTML encoder).</summary>
public sealed partial record Page(HttpStatusCode Status, string Html, Uri? Location, IReadOnlyList<string> SetCookies, TimeSpan? RetryAfter = null)
{
    public static async Task<Page> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
            return new Page(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location, cookies, response.Headers.RetryAfter?.Delta);
        }
    }

    public string Text => WebUtility.HtmlDecode(Html);

    public string AntiforgeryToken => AntiforgeryPattern().Match(Html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no antiforgery token on the page");

    /// <summary>The decoded value attribute of the input named <paramref name="name"/>, or null.</summary>
    public string? InputValue(string name)
    {
        var tag = Tag("input", name);
        return tag is null ? null : ValuePattern().Match(tag) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
    }

    public bool IsChecked(string name) => Tag("input", name) is { } tag && CheckedPattern().IsMatch(tag);

    /// <summary>The value of the selected option of the select named <paramref name="name"/>, or null.</summary>
    public string? SelectedValue(string name)
    {
        var select = Regex.Match(Html, $"<select[^>]*name=\"{Regex.Escape(name)}\".*?</select>", RegexOptions.Singleline);
        return select.Success && SelectedPattern().Match(select.Value) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;
    }

    /// <summary>The raw (still encoded) content of the textarea named <paramref name="name"/>.</summary>
    public string? TextAreaHtml(string name) =>
        Regex.Match(Html, $"<textarea[^>]*name=\"{Regex.Escape(name)}\"[^>]*>(.*?)</textarea>", RegexOptions.Singleline) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>The decoded text inside the element with this id (tags stripped), or null.</summary>
    public string? ById(string id)
    {
        var match = Regex.Match(Html, $"<(\\w+)[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*>(.*?)</\\1>", RegexOptions.Singleline);
        return match.Success ? WebUtility.HtmlDecode(TagPattern().Replace(match.Groups[2].Value, "")).Trim() : null;
    }

    private string? Tag(string element, string name) =>
        Regex.Match(Html, $"<{element}\\b[^>]*\\bname=\"{Regex.Escape(name)}\"[^>]*>") is { Success: true } m ? m.Value : null;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryPattern();

    [GeneratedRegex("\\bvalue=\"([^\"]*)\"")]
    private static partial Regex ValuePattern();

    [GeneratedRegex("\\schecked(\\s|>|/|=)")]
    private static partial Regex CheckedPattern();

    [GeneratedRegex("<option value=\"([^\"]*)\" selected")]
    private static partial Regex SelectedPattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();
}
