using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure;
using ZangZhiFa.Workflow.Infrastructure.Admin;
using ZangZhiFa.Workflow.Infrastructure.Notices;
using ZangZhiFa.Workflow.Infrastructure.Persistence;
using ZangZhiFa.Workflow.Web.Security;

namespace ZangZhiFa.Workflow.Web.Features.Admin;

/// <summary>
/// 文书模板 admin: list the templates, edit one with a live preview against its sample model
/// (<c>templates/samples/{id}.json</c>), and save a new version. Versions are rows of <see cref="AdminContent"/>
/// (kind <c>template</c>), never changed; the newest is put in use by the renderer at once and at every start, over
/// the file. A text with a syntax error, or one that cannot render its sample, is refused with line and column.
/// </summary>
public sealed partial class NoticeTemplates(WorkflowDbContext db, IWorkflowStore store, ScribanNoticeRenderer renderer, ContentPaths paths, TimeProvider time)
{
    public const string JournalKind = "template";

    public sealed record Item(string Id, int Version, string? SavedBy, DateTimeOffset? SavedAt);

    public sealed record VersionInfo(int Version, string SavedBy, DateTimeOffset SavedAt);

    /// <summary>One template as the editor opens it: the text in use (or of an older version), every version, the sample model.</summary>
    public sealed record Detail(string Id, int Version, string Text, IReadOnlyList<VersionInfo> Versions, JsonObject Sample);

    /// <summary>A problem with a text: where (1-based; null when unknown) and what.</summary>
    public sealed record Problem(int? Line, int? Column, string Message);

    public sealed record PreviewResult(string? Html, IReadOnlyList<Problem> Problems);

    public async Task<IReadOnlyList<Item>> ListAsync(CancellationToken cancellationToken)
    {
        var saved = await db.AdminContents.AsNoTracking().Where(c => c.Kind == AdminContent.Template)
            .Select(c => new { c.Key, c.Version, c.SavedBy, c.SavedAt }).ToListAsync(cancellationToken);
        return [.. renderer.TemplateIds.Select(id => saved.Where(s => s.Key == id).MaxBy(s => s.Version) is { } newest
            ? new Item(id, newest.Version, newest.SavedBy, newest.SavedAt)
            : new Item(id, 0, null, null))];
    }

    /// <summary>The template, at <paramref name="version"/> (0 = the shipped file) or the one in use; null when unknown.</summary>
    public async Task<Detail?> GetAsync(string id, int? version, CancellationToken cancellationToken)
    {
        if (!renderer.TemplateExists(id))
        {
            return null;
        }

        var rows = await db.AdminContents.AsNoTracking().Where(c => c.Kind == AdminContent.Template && c.Key == id)
            .OrderBy(c => c.Version).ToListAsync(cancellationToken);
        var versions = rows.Select(r => new VersionInfo(r.Version, r.SavedBy, r.SavedAt)).ToList();
        string? text = version switch
        {
            null => renderer.Source(id),
            0 => FileText(id),
            { } n => rows.FirstOrDefault(r => r.Version == n)?.Text,
        };
        return text is null ? null : new Detail(id, version ?? rows.LastOrDefault()?.Version ?? 0, text, versions, Sample(id));
    }

    /// <summary>The sample model the preview renders against: <c>templates/samples/{id}.json</c>, else an empty model.</summary>
    public JsonObject Sample(string id)
    {
        var file = Path.Combine(paths.Templates, "samples", id + ".json");
        return File.Exists(file) && JsonNode.Parse(File.ReadAllText(file)) is JsonObject sample ? sample : [];
    }

    /// <summary>Renders <paramref name="text"/> as the template over <paramref name="model"/> (the sample by default), in the renderer's sandbox.</summary>
    public PreviewResult Preview(string id, string text, JsonObject? model = null)
    {
        var syntax = ScribanNoticeRenderer.Check(id, text);
        if (syntax.Count > 0)
        {
            return new(null, [.. syntax.Select(p => new Problem(p.Line, p.Column, p.Message))]);
        }

        try
        {
            return new(renderer.Preview(id, text, model ?? Sample(id)), []);
        }
        catch (TemplateRenderException ex)
        {
            // The message names file:line:column (the layout's own when the error is there).
            var match = PositionPattern().Match(ex.Message);
            return match.Success
                ? new(null, [new Problem(int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture), ex.Message)])
                : new(null, [new Problem(null, null, ex.Message)]);
        }
    }

    /// <summary>
    /// Saves <paramref name="text"/> as the next version and puts it in use, journaled; returns the version, or the
    /// problems (syntax, or the sample does not render) and then nothing is saved.
    /// </summary>
    public async Task<(int? Version, IReadOnlyList<Problem> Problems)> SaveAsync(string id, string? text, string actor, CancellationToken cancellationToken)
    {
        if (!renderer.TemplateExists(id))
        {
            return (null, [new Problem(null, null, $"未知文书模板 “{id}”")]);
        }

        // An empty text renders without error, and would be in use at once: every new notice of the kind would be blank.
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, [new Problem(null, null, EmptyText)]);
        }

        var preview = Preview(id, text);
        if (preview.Problems.Count > 0)
        {
            return (null, preview.Problems);
        }

        var before = renderer.Source(id) ?? "";
        var version = await AdminContentLoader.NextVersionAsync(db, AdminContent.Template, id, cancellationToken);
        db.AdminContents.Add(new AdminContent
        {
            Kind = AdminContent.Template,
            Key = id,
            Version = version,
            Text = text,
            SavedBy = actor,
            SavedAt = time.GetUtcNow(),
        });
        AdminJournal.Record(store, time, JournalKind, id, "template-saved", actor,
            $"文书模板 {id} 保存为 v{version}，改动 {ChangedLines(before, text)} 行",
            new { version = version - 1, sha256 = Hash(before), length = before.Length },
            new { version, sha256 = Hash(text), length = text.Length });
        if (!await VersionedSave.TrySaveContentAsync(store, db, AdminContent.Template, id, version, cancellationToken))
        {
            return (null, [new Problem(null, null, VersionedSave.Taken(version))]);
        }

        // Only after the commit: a notice must never be issued from a version the database does not hold.
        renderer.Override(id, text);
        return (version, []);
    }

    private const string EmptyText = "模板内容不能为空";

    private string? FileText(string id)
    {
        var file = Path.Combine(paths.Templates, id + ".sbn");
        return File.Exists(file) ? File.ReadAllText(file) : null;
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static int ChangedLines(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        var changed = Math.Abs(a.Length - b.Length);
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                changed++;
            }
        }

        return changed;
    }

    [GeneratedRegex(@":(?<line>\d+):(?<column>\d+):")]
    private static partial Regex PositionPattern();

    public sealed record SaveRequest(string? Text);

    public sealed record PreviewRequest(string Text, JsonObject? Model);

    public sealed record Saved(string Id, int Version);

    /// <summary>
    /// <c>GET /api/admin/templates</c>; <c>GET /api/admin/templates/{folder}/{name}[?version=n]</c> (0 = the file);
    /// <c>POST …/preview</c> <c>{ text, model? }</c> → <c>{ html, problems }</c>; <c>PUT …</c> <c>{ text }</c> → 200
    /// <c>{ id, version }</c>, or 400 with <c>problems</c> [{ line, column, message }] and nothing saved (an empty text:
    /// 400 with <c>errors.text</c>, as the other admin saves name their field).
    /// </summary>
    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/templates", (NoticeTemplates templates, CancellationToken cancellationToken) => templates.ListAsync(cancellationToken));

        admin.MapGet("/templates/{folder}/{name}", async Task<Results<Ok<Detail>, NotFound>> (string folder, string name, int? version, NoticeTemplates templates, CancellationToken cancellationToken) =>
            await templates.GetAsync($"{folder}/{name}", version, cancellationToken) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound());

        admin.MapPost("/templates/{folder}/{name}/preview", Results<Ok<PreviewResult>, NotFound> (string folder, string name, PreviewRequest request, NoticeTemplates templates, ScribanNoticeRenderer renderer) =>
            renderer.TemplateExists($"{folder}/{name}") ? TypedResults.Ok(templates.Preview($"{folder}/{name}", request.Text, request.Model)) : TypedResults.NotFound());

        admin.MapPut("/templates/{folder}/{name}", async Task<Results<Ok<Saved>, NotFound, ValidationProblem, ProblemHttpResult>> (string folder, string name, SaveRequest request, NoticeTemplates templates, ScribanNoticeRenderer renderer, StaffUserContext user, CancellationToken cancellationToken) =>
        {
            var id = $"{folder}/{name}";
            if (!renderer.TemplateExists(id))
            {
                return TypedResults.NotFound();
            }

            if (string.IsNullOrWhiteSpace(request.Text))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = [EmptyText] }, title: "模板有误，未保存",
                    extensions: new Dictionary<string, object?> { ["problems"] = new[] { new Problem(null, null, EmptyText) } });
            }

            var (version, problems) = await templates.SaveAsync(id, request.Text, user.UserName, cancellationToken);
            return version is { } v
                ? TypedResults.Ok(new Saved(id, v))
                : TypedResults.Problem(title: "模板有误，未保存", statusCode: StatusCodes.Status400BadRequest, extensions: new Dictionary<string, object?> { ["problems"] = problems });
        });
    }
}
