using System.Text.Encodings.Web;
using System.Text.Unicode;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using ZangZhiFa.Workflow.Engine.Expressions;
using ZangZhiFa.Workflow.Infrastructure.Text;

namespace ZangZhiFa.Workflow.Infrastructure.Notices;

/// <summary>
/// The expression sandbox plus HTML auto-escaping: every value a <c>{{ … }}</c> writes is HTML-encoded on its
/// way to the output, so a template author cannot forget to escape a complainant's text. Only the literal text
/// of the template itself, <see cref="TrustedHtml"/> (the rendered body handed to the layout) and the output of
/// a <c>capture</c> block (whose own values were escaped as they were written) go out as they are.
/// </summary>
internal sealed class HtmlTemplateContext : SandboxTemplateContext
{
    // UnicodeRanges.All keeps Chinese and Tibetan readable in the source; markup characters are still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public HtmlTemplateContext(ScriptObject builtins)
        : base(builtins)
    {
        // Optional nested fields (decision.fields.basis when `fields` is absent) read as null instead of failing
        // a legal document over a blank form field; top-level names stay strict (StrictVariables).
        EnableRelaxedTargetAccess = true;

        // The body (up to LimitToString) is written again into the layout, so the page needs its own, larger
        // budget; and a silently truncated notice is worse than an error.
        OutputLimit = 1_000_000;
        OnOutputLimit = ScriptLimitBehavior.Throw;
    }

    /// <summary>
    /// Encodes a value for HTML text or a quoted attribute, without the characters <see cref="PlainText"/> keeps out
    /// of an official document (whoever typed them: a complainant, an officer, an imported record).
    /// </summary>
    public static string Encode(string text) => Encoder.Encode(PlainText.Strip(text));

    /// <inheritdoc/>
    public override TemplateContext Write(SourceSpan span, object? textAsObject) => textAsObject switch
    {
        null => this,
        TrustedHtml html => Write(html.Value),
        IScriptOutput captured => Write(captured.ToString() ?? ""),
        _ => Write(Encode(ObjectToString(textAsObject) ?? "")),
    };
}

/// <summary>
/// Markup the renderer itself produced (the escaped body, <c>html.newline_to_br</c>); written to the output
/// unencoded. It has no public members, so a template sees nothing of it but what it prints.
/// </summary>
internal sealed class TrustedHtml(string value)
{
    internal string Value { get; } = value;

    public override string ToString() => Value;
}
