using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace ZangZhiFa.Workflow.Engine.Expressions;

/// <summary>
/// Expressions and text snippets in definitions, in Scriban's language (the same as notice templates).
/// Sandboxed: a script sees only the JSON values handed to it — never a .NET object, the file system
/// (no template loader, so <c>include</c> fails) or the wall clock (<c>date.now</c> is removed; the
/// injected time is the variable <c>now</c>) — and loops, recursion, output and time are bounded.
/// </summary>
public sealed class ScriptEngine
{
    // Shared by all expression contexts: read-only, so no script can leave state (e.g. `date.format`) for the next.
    private static readonly ScriptObject SharedBuiltins = CreateBuiltins();

    // A context costs ~21 KB and ~9 µs to build, more than most evaluations; a step evaluates ten or more
    // expressions. Each thread keeps one idle context and lends it to one evaluation at a time (evaluation is
    // synchronous). The model is pushed before and popped after, taking with it anything a script assigned; a
    // context whose evaluation threw is dropped, since its stacks may be left unbalanced.
    [ThreadStatic]
    private static SandboxTemplateContext? t_idle;

    private readonly ConcurrentDictionary<string, Template> _expressions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Template> _texts = new(StringComparer.Ordinal);

    /// <summary>Parses an expression (no <c>{{ }}</c>); returns null when it is valid, else the error with line/column.</summary>
    public string? CheckExpression(string expression) => Describe(ParseExpression(expression), expression);

    /// <summary>Parses a text snippet with <c>{{ }}</c> placeholders; returns null when valid, else the error.</summary>
    public string? CheckText(string text) => Describe(ParseText(text), text);

    /// <summary>Evaluates an expression against <paramref name="scope"/> and returns its value as JSON.</summary>
    public JsonNode? Evaluate(string expression, JsonObject scope)
    {
        var template = ParseExpression(expression);
        ThrowIfErrors(template, expression);
        try
        {
            return ToJson(Lend(scope, template.Evaluate));
        }
        catch (ScriptRuntimeException ex)
        {
            throw new ExpressionException($"表达式 “{expression}” 求值失败: {ex.OriginalMessage} ({ex.Span.Start.Line + 1}:{ex.Span.Start.Column + 1})", ex);
        }
    }

    /// <summary>Evaluates a condition; only a real boolean <c>true</c> counts as true.</summary>
    public bool EvaluateCondition(string expression, JsonObject scope) =>
        Evaluate(expression, scope) is JsonValue value && value.TryGetValue<bool>(out var b) && b;

    /// <summary>Renders a text snippet such as a task title.</summary>
    public string Render(string text, JsonObject scope)
    {
        if (!text.Contains("{{", StringComparison.Ordinal))
        {
            return text;
        }

        var template = ParseText(text);
        ThrowIfErrors(template, text);
        try
        {
            return Lend(scope, template.Render);
        }
        catch (ScriptRuntimeException ex)
        {
            throw new ExpressionException($"文本 “{text}” 渲染失败: {ex.OriginalMessage} ({ex.Span.Start.Line + 1}:{ex.Span.Start.Column + 1})", ex);
        }
    }

    private static T Lend<T>(JsonObject scope, Func<TemplateContext, T> use)
    {
        var context = t_idle ?? new SandboxTemplateContext(SharedBuiltins);
        t_idle = null;
        context.Restart();
        context.PushGlobal((ScriptObject)ToScript(scope)!);
        var result = use(context);
        context.PopGlobal();
        t_idle = context;
        return result;
    }

    /// <summary>A sandboxed context over <paramref name="model"/>, shared with the notice renderer.</summary>
    public static TemplateContext CreateContext(JsonObject model) =>
        CreateContext(model, static () => new SandboxTemplateContext(SharedBuiltins));

    /// <summary>
    /// A sandboxed context of a derived type (the notice renderer adds HTML escaping) over <paramref name="model"/>.
    /// The sandbox lives in <see cref="SandboxTemplateContext"/> itself, so a derived context cannot leave it out.
    /// </summary>
    public static TContext CreateContext<TContext>(JsonObject model, Func<TContext> create)
        where TContext : SandboxTemplateContext
    {
        var context = create();
        context.PushGlobal((ScriptObject)ToScript(model)!);
        return context;
    }

    /// <summary>
    /// The sandbox's builtin functions (Scriban's, less the wall clock and <c>object.eval</c>), read-only so one
    /// instance can serve every context on every thread. <paramref name="customize"/> may add or replace
    /// functions before the object is frozen; cache the result, building it costs far more than a render.
    /// </summary>
    public static ScriptObject CreateBuiltins(Action<ScriptObject>? customize = null)
    {
        var builtins = TemplateContext.GetDefaultBuiltinObject();
        if (builtins["date"] is ScriptObject date)
        {
            // The flow's clock is the injected TimeProvider, handed in as `now`; the wall clock is out of reach.
            date.Remove("now");
            date.Remove("utc_now");
        }

        if (builtins["object"] is ScriptObject obj)
        {
            // Evaluating a string as code would let data (a complainant's text) run as a template.
            obj.Remove("eval");
            obj.Remove("eval_template");
        }

        customize?.Invoke(builtins);
        Freeze(builtins);
        return builtins;
    }

    private static void Freeze(ScriptObject obj)
    {
        foreach (var value in obj.Values)
        {
            if (value is ScriptObject child && !child.IsReadOnly)
            {
                Freeze(child);
            }
        }

        obj.IsReadOnly = true;
    }

    private Template ParseExpression(string expression) =>
        _expressions.GetOrAdd(expression, static e => Template.Parse(e, lexerOptions: new LexerOptions { Mode = ScriptMode.ScriptOnly }));

    private Template ParseText(string text) =>
        _texts.GetOrAdd(text, static t => Template.Parse(t));

    private static string? Describe(Template template, string source)
    {
        if (!template.HasErrors)
        {
            return null;
        }

        var first = template.Messages.First(m => m.Type == ParserMessageType.Error);
        var (line, column) = first.Span.Start.Line >= 0
            ? (first.Span.Start.Line + 1, first.Span.Start.Column + 1)
            : EndOf(source); // Scriban reports "unexpected end of input" without a position.
        return $"{first.Message} ({line}:{column})";
    }

    private static (int Line, int Column) EndOf(string source)
    {
        var lines = source.Split('\n');
        return (lines.Length, lines[^1].Length + 1);
    }

    private static void ThrowIfErrors(Template template, string source)
    {
        if (Describe(template, source) is { } error)
        {
            throw new ExpressionException($"表达式 “{source}” 语法错误: {error}");
        }
    }

    /// <summary>JSON → Scriban values: objects and arrays become script objects, numbers stay numbers.</summary>
    public static object? ToScript(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                // Sized up front: growing the dictionary key by key was a twentieth of what a step allocated.
                var so = new ScriptObject(obj.Count);
                foreach (var (key, value) in obj)
                {
                    so.SetValue(key, ToScript(value), false);
                }

                return so;
            case JsonArray array:
                var sa = new ScriptArray();
                foreach (var item in array)
                {
                    sa.Add(ToScript(item));
                }

                return sa;
            default:
                var v = node.AsValue();
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String: return v.GetValue<string>();
                    case JsonValueKind.True: return true;
                    case JsonValueKind.False: return false;
                    case JsonValueKind.Null: return null;
                    case JsonValueKind.Number:
                        if (v.TryGetValue<long>(out var l))
                        {
                            return l;
                        }

                        if (v.TryGetValue<int>(out var i))
                        {
                            return (long)i;
                        }

                        if (v.TryGetValue<decimal>(out var m))
                        {
                            return m;
                        }

                        return v.GetValue<double>();
                    default:
                        return v.ToJsonString();
                }
        }
    }

    /// <summary>Scriban values → JSON.</summary>
    public static JsonNode? ToJson(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonNode node:
                return node.DeepClone();
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case int i:
                return JsonValue.Create((long)i);
            case long l:
                return JsonValue.Create(l);
            case decimal m:
                return JsonValue.Create(m);
            case double d:
                return d == Math.Floor(d) && Math.Abs(d) < 1e15 ? JsonValue.Create((long)d) : JsonValue.Create(d);
            case float f:
                return JsonValue.Create((double)f);
            case DateTime dt:
                return JsonValue.Create(dt.ToString("O", CultureInfo.InvariantCulture));
            case DateTimeOffset dto:
                return JsonValue.Create(dto.ToString("O", CultureInfo.InvariantCulture));
            case IDictionary<string, object?> dict:
                var obj = new JsonObject();
                foreach (var (k, v) in dict)
                {
                    obj[k] = ToJson(v);
                }

                return obj;
            case IEnumerable enumerable:
                var array = new JsonArray();
                foreach (var item in enumerable)
                {
                    array.Add(ToJson(item));
                }

                return array;
            default:
                return JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }
}

/// <summary>
/// The sandbox: strict variables, no template loader (<c>include</c> fails), bounded loops, recursion and
/// output, and a wall-clock budget — recursion depth alone does not bound work (a function calling itself
/// twice per level runs 2^depth times), so evaluation stops once <see cref="TimeBudget"/> is spent.
/// Not sealed so a renderer can add output handling; the limits are set here so a derived context keeps them.
/// </summary>
public class SandboxTemplateContext : TemplateContext
{
    /// <summary>Time allowed by default; a render or an expression takes well under a millisecond.</summary>
    public static readonly TimeSpan DefaultTimeBudget = TimeSpan.FromSeconds(2);

    private long _startedAt = Environment.TickCount64;
    private int _steps;

    /// <summary>Creates a sandboxed context over builtins from <see cref="ScriptEngine.CreateBuiltins"/>.</summary>
    public SandboxTemplateContext(ScriptObject builtins)
        : base(builtins)
    {
        StrictVariables = true;
        EnableRelaxedMemberAccess = true;
        LoopLimit = 10_000;
        RecursiveLimit = 64;
        ObjectRecursionLimit = 64;
        LimitToString = 200_000;
        TemplateLoader = null;
        MemberRenamer = member => member.Name;
        // A regex runs inside one evaluation step, where the budget check cannot interrupt it.
        RegexTimeOut = TimeSpan.FromMilliseconds(500);
    }

    /// <summary>Wall-clock time this context may spend evaluating, counted from its creation or <see cref="Restart"/>.</summary>
    public TimeSpan TimeBudget { get; set; } = DefaultTimeBudget;

    /// <summary>Starts the time budget again, for a context lent to a new evaluation.</summary>
    public void Restart()
    {
        _startedAt = Environment.TickCount64;
        _steps = 0;
    }

    /// <inheritdoc/>
    public override object? Evaluate(ScriptNode? scriptNode, bool aliasReturnedFunction)
    {
        // Checking every 64th step keeps the clock read off the hot path.
        if ((++_steps & 63) == 0)
        {
            CancellationToken.ThrowIfCancellationRequested();
            if (Environment.TickCount64 - _startedAt > TimeBudget.TotalMilliseconds)
            {
                throw new ScriptRuntimeException(scriptNode?.Span ?? default, $"超出执行时间限制 (time budget of {TimeBudget.TotalSeconds:0.###}s exceeded)");
            }
        }

        return base.Evaluate(scriptNode, aliasReturnedFunction);
    }
}

/// <summary>An expression or text snippet that could not be parsed or evaluated.</summary>
public sealed class ExpressionException(string message, Exception? inner = null) : Exception(message, inner);
