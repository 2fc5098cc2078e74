using System.Text.Json.Nodes;

namespace ZangZhiFa.Workflow.Engine.Abstractions;

/// <summary>Renders notice templates (<c>templates/notices/*.sbn</c>) to printable HTML, sandboxed.</summary>
public interface INoticeRenderer
{
    bool TemplateExists(string templateId);

    /// <summary>Renders; throws <see cref="TemplateRenderException"/> naming file, line and column on error.</summary>
    string Render(string templateId, JsonObject model);
}

public sealed class TemplateRenderException(string message, Exception? inner = null) : Exception(message, inner);
