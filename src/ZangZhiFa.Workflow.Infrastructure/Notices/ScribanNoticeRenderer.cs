using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;
using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Expressions;

namespace ZangZhiFa.Workflow.Infrastructure.Notices;

/// <summary>
/// Renders notices (告知书、意见书、督办通知书、决定书) and e-mails from the Scriban templates in one folder
/// (<c>templates/</c> in the repository; conventions in its <c>README.md</c>):
/// <list type="bullet">
/// <item>template id = path under the folder without <c>.sbn</c>, e.g. <c>notices/supervision-notice</c>;</item>
/// <item>a file or folder whose name starts with <c>_</c> is a layout, not a template;</item>
/// <item>a template is wrapped in the nearest <c>_layout.sbn</c> of its folder or an ancestor: the body is rendered
///   first, then the layout with the body as <c>page.body</c>, in the same context, so what the body's front matter
///   (<c>+++ … +++</c>) put into <c>page</c> (issuer, addressee, cc…) is there for the layout;</item>
/// <item>every value written by <c>{{ … }}</c> is HTML-encoded (<see cref="HtmlTemplateContext"/>);</item>
/// <item>the sandbox is the expressions' one (<see cref="ScriptEngine.CreateContext{TContext}"/>): strict top-level
///   variables, no <c>include</c>, no wall clock, bounded loops, recursion, output and time.</item>
/// </list>
/// All templates are read and parsed once, in the constructor, and the renderer is safe to share as a singleton.
/// Files changed later are not picked up until the next start; an admin's saved version of a template replaces the
/// file's through <see cref="Override"/> (the notice-templates page), which swaps the whole set atomically.
/// </summary>
public sealed class ScribanNoticeRenderer : INoticeRenderer
{
    private const string Extension = ".sbn";
    private const string LayoutName = "_layout";
    private const string PageVariable = "page";
    private const string FrontMatterMarker = "+++";

    private readonly Lock _gate = new();
    private volatile FrozenDictionary<string, Entry> _entries;
    private readonly Func<HtmlTemplateContext> _createContext;

    /// <summary>Reads and parses every <c>*.sbn</c> under <paramref name="templatesFolder"/>.</summary>
    /// <param name="templatesFolder">The templates folder (repository <c>templates/</c>).</param>
    /// <param name="utcOffset">
    /// The offset dates are shown in by <c>zh.date</c>/<c>zh.datetime</c>; default +08:00 (Beijing time, used in Tibet).
    /// </param>
    public ScribanNoticeRenderer(string templatesFolder, TimeSpan? utcOffset = null)
    {
        if (!Directory.Exists(templatesFolder))
        {
            throw new DirectoryNotFoundException($"文书模板目录不存在 (templates folder not found): {templatesFolder}");
        }

        TemplatesFolder = Path.GetFullPath(templatesFolder);
        var offset = utcOffset ?? TimeSpan.FromHours(8);
        var builtins = ScriptEngine.CreateBuiltins(b => NoticeFunctions.Register(b, offset));
        _createContext = () => new HtmlTemplateContext(builtins);

        var parsed = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(TemplatesFolder, "*" + Extension, SearchOption.AllDirectories))
        {
            var file = Path.GetRelativePath(TemplatesFolder, path).Replace(Path.DirectorySeparatorChar, '/');
            var id = file[..^Extension.Length];
            parsed[id] = Parse(id, file, File.ReadAllText(path));
        }

        foreach (var entry in parsed.Values.Where(e => !e.IsLayout))
        {
            entry.Layout = FindLayout(entry.Id, parsed);
        }

        _entries = parsed.ToFrozenDictionary(StringComparer.Ordinal);
        TemplateIds = [.. _entries.Values.Where(e => !e.IsLayout).Select(e => e.Id).Order(StringComparer.Ordinal)];
        Problems = ProblemsOf(_entries);
    }

    /// <summary>The absolute path of the templates folder.</summary>
    public string TemplatesFolder { get; }

    /// <summary>Ids of the renderable templates (layouts excluded), sorted; for the designer's template picker.</summary>
    public IReadOnlyList<string> TemplateIds { get; }

    /// <summary>Syntax errors of the templates in use (file:line:column: message); empty when all parse. For health checks.</summary>
    public IReadOnlyList<string> Problems { get; private set; }

    /// <summary>The text in use for <paramref name="templateId"/> (an admin's version or the file), or null when unknown.</summary>
    public string? Source(string templateId) => _entries.TryGetValue(templateId, out var entry) ? entry.Text : null;

    /// <summary>
    /// The syntax errors of <paramref name="text"/> as the template <paramref name="templateId"/>, each with its 1-based
    /// line and column; empty when it parses.
    /// </summary>
    public static IReadOnlyList<TemplateProblem> Check(string templateId, string text)
    {
        var (template, _) = ParseText(templateId + Extension, text);
        return [.. template.Messages.Where(m => m.Type == ParserMessageType.Error)
            .Select(m => new TemplateProblem(m.Span.Start.Line + 1, m.Span.Start.Column + 1, m.Message))];
    }

    /// <summary>
    /// Renders <paramref name="text"/> as if it were the template <paramref name="templateId"/> (same layout, same
    /// sandbox), without putting it in use: the live preview of the template editor.
    /// </summary>
    /// <exception cref="TemplateRenderException">As <see cref="Render"/>.</exception>
    public string Preview(string templateId, string text, JsonObject model)
    {
        var entries = _entries;
        if (!entries.TryGetValue(templateId, out var current) || current.IsLayout)
        {
            throw new TemplateRenderException($"未知文书模板 (unknown template) “{templateId}”");
        }

        var entry = Parse(templateId, current.File, text);
        entry.Layout = FindLayout(templateId, entries);
        return RenderEntry(entry, model);
    }

    /// <summary>
    /// Puts <paramref name="text"/> in use for the template <paramref name="templateId"/> (not a layout) from now on;
    /// check it with <see cref="Check"/> first — a text with errors is kept and reported when rendered, as a broken file is.
    /// </summary>
    public void Override(string templateId, string text)
    {
        lock (_gate)
        {
            var entries = new Dictionary<string, Entry>(_entries, StringComparer.Ordinal);
            if (!entries.TryGetValue(templateId, out var current) || current.IsLayout)
            {
                throw new TemplateRenderException($"未知文书模板 (unknown template) “{templateId}”");
            }

            var entry = Parse(templateId, current.File, text);
            entry.Layout = current.Layout;
            entries[templateId] = entry;
            var frozen = entries.ToFrozenDictionary(StringComparer.Ordinal);
            Problems = ProblemsOf(frozen);
            _entries = frozen;
        }
    }

    private static string[] ProblemsOf(FrozenDictionary<string, Entry> entries) =>
        [.. entries.Values.Where(e => e.Error is not null).OrderBy(e => e.Id, StringComparer.Ordinal).Select(e => e.Error!)];

    /// <summary>
    /// True when <paramref name="templateId"/> names a template (not a layout). A template with a syntax error
    /// still exists: <see cref="Render"/> reports the error with its position, and so does <see cref="Problems"/>.
    /// </summary>
    public bool TemplateExists(string templateId) =>
        _entries.TryGetValue(templateId, out var entry) && !entry.IsLayout;

    /// <summary>
    /// Renders <paramref name="templateId"/> over <paramref name="model"/> (not modified) to a complete HTML document.
    /// </summary>
    /// <exception cref="TemplateRenderException">
    /// Unknown template, syntax error, a missing top-level variable or any other runtime error; the message names
    /// the template file, line and column.
    /// </exception>
    public string Render(string templateId, JsonObject model)
    {
        if (!_entries.TryGetValue(templateId, out var entry) || entry.IsLayout)
        {
            throw new TemplateRenderException($"未知文书模板 (unknown template) “{templateId}”");
        }

        return RenderEntry(entry, model);
    }

    private string RenderEntry(Entry entry, JsonObject model)
    {
        var templateId = entry.Id;
        entry.ThrowIfBroken();
        entry.Layout?.ThrowIfBroken();

        var context = ScriptEngine.CreateContext(model, _createContext);
        var globals = context.CurrentGlobal!;
        try
        {
            // Reserved: a workflow variable named `page` is shadowed here so the front matter starts from empty.
            globals.SetValue(PageVariable, new ScriptObject(), false);
            if (entry.Template.Page?.FrontMatter is { } frontMatter)
            {
                // Front matter sets values; anything it would print is dropped rather than leaking above the body.
                context.PushOutput();
                try
                {
                    context.Evaluate(frontMatter);
                }
                finally
                {
                    context.PopOutput();
                }
            }

            var body = entry.Template.Render(context);
            if (entry.Layout is not { } layout)
            {
                return body;
            }

            if (!globals.TryGetValue(PageVariable, out var page) || page is not ScriptObject pageObject)
            {
                throw new TemplateRenderException($"文书模板 “{templateId}” 渲染失败 (render failed): {entry.File}: `page` 须保持为对象 (must stay an object)");
            }

            pageObject.SetValue("body", new TrustedHtml(body), false);
            return layout.Template.Render(context);
        }
        catch (ScriptRuntimeException ex)
        {
            throw new TemplateRenderException($"文书模板 “{templateId}” 渲染失败 (render failed): {Position(ex.Span, entry.File)}: {ex.OriginalMessage}", ex);
        }
        catch (Exception ex) when (ex is not TemplateRenderException and not OperationCanceledException)
        {
            // Builtins occasionally throw plain .NET exceptions (bad format string, regex timeout); the node being
            // evaluated still tells the author where.
            var span = context.CurrentNode?.Span ?? default;
            throw new TemplateRenderException($"文书模板 “{templateId}” 渲染失败 (render failed): {Position(span, entry.File)}: {ex.Message}", ex);
        }
    }

    private static (Template Template, bool FrontMatter) ParseText(string file, string text)
    {
        var frontMatter = text.StartsWith(FrontMatterMarker, StringComparison.Ordinal);
        var lexerOptions = frontMatter
            ? new LexerOptions { Mode = ScriptMode.FrontMatterAndContent, FrontMatterMarker = FrontMatterMarker }
            : new LexerOptions { Mode = ScriptMode.Default };
        return (Template.Parse(text, file, lexerOptions: lexerOptions), frontMatter);
    }

    private static Entry Parse(string id, string file, string text)
    {
        var (template, _) = ParseText(file, text);
        string? error = null;
        if (template.HasErrors)
        {
            var messages = template.Messages
                .Where(m => m.Type == ParserMessageType.Error)
                .Select(m => $"{Position(m.Span, file)}: {m.Message}");
            error = $"文书模板 “{id}” 语法错误 (syntax error): {string.Join("; ", messages)}";
        }

        var isLayout = id.Split('/').Any(segment => segment.StartsWith('_'));
        return new Entry(id, file, template, error, isLayout, text);
    }

    private static Entry? FindLayout(string id, IReadOnlyDictionary<string, Entry> entries)
    {
        var folder = id.Contains('/', StringComparison.Ordinal) ? id[..id.LastIndexOf('/')] : "";
        while (true)
        {
            var candidate = folder.Length == 0 ? LayoutName : $"{folder}/{LayoutName}";
            if (entries.TryGetValue(candidate, out var layout))
            {
                return layout;
            }

            if (folder.Length == 0)
            {
                return null;
            }

            folder = folder.Contains('/', StringComparison.Ordinal) ? folder[..folder.LastIndexOf('/')] : "";
        }
    }

    /// <summary>file:line:column, 1-based; the span's own file when it has one (an error inside the layout).</summary>
    private static string Position(SourceSpan span, string fallbackFile)
    {
        var file = string.IsNullOrEmpty(span.FileName) ? fallbackFile : span.FileName;
        return $"{file}:{span.Start.Line + 1}:{span.Start.Column + 1}";
    }

    private sealed class Entry(string id, string file, Template template, string? error, bool isLayout, string text)
    {
        public string Text { get; } = text;

        public string Id { get; } = id;

        public string File { get; } = file;

        public Template Template { get; } = template;

        public string? Error { get; } = error;

        public bool IsLayout { get; } = isLayout;

        // Set once while the constructor links templates to layouts, before the entries are published.
        public Entry? Layout { get; set; }

        public void ThrowIfBroken()
        {
            if (Error is not null)
            {
                throw new TemplateRenderException(Error);
            }
        }
    }
}

/// <summary>A syntax error of a template text, at a 1-based line and column.</summary>
public sealed record TemplateProblem(int Line, int Column, string Message)
{
    public override string ToString() => $"第 {Line} 行第 {Column} 列：{Message}";
}
