using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Engine.Expressions;

namespace ZangZhiFa.Workflow.Engine.Definitions;

/// <summary>One problem found in a definition, precise enough to fix without searching.</summary>
public sealed record ValidationError(string? File, string? ActivityId, string? Connection, string? Property, string Message)
{
    public override string ToString()
    {
        var where = new List<string>();
        if (ActivityId is not null)
        {
            where.Add($"activity '{ActivityId}'");
        }

        if (Connection is not null)
        {
            where.Add($"connection {Connection}");
        }

        if (Property is not null)
        {
            where.Add($"property '{Property}'");
        }

        var prefix = File is null ? "" : File + ": ";
        return where.Count == 0 ? prefix + Message : $"{prefix}{string.Join(" ", where)}: {Message}";
    }
}

/// <summary>Collects errors while a definition is validated, with what activities need to check their properties.</summary>
public sealed class DefinitionValidationContext(ScriptEngine scripts, INoticeRenderer? notices, IReadOnlySet<string>? knownDefinitions, string? file)
{
    private readonly List<ValidationError> _errors = [];

    public IReadOnlyList<ValidationError> Errors => _errors;

    public ScriptEngine Scripts { get; } = scripts;

    public INoticeRenderer? Notices { get; } = notices;

    /// <summary>Definition ids a subflow may start; null when not known (then not checked).</summary>
    public IReadOnlySet<string>? KnownDefinitions { get; } = knownDefinitions;

    public string? File { get; } = file;

    /// <summary>The definition being validated, for checks that refer to other activities.</summary>
    public WorkflowDefinition? Definition { get; set; }

    public void Error(string? activityId, string? property, string message) =>
        _errors.Add(new ValidationError(File, activityId, null, property, message));

    public void ConnectionError(ConnectionDefinition connection, string message) =>
        _errors.Add(new ValidationError(File, null, connection.ToString(), null, message));
}

/// <summary>Property checks for one activity.</summary>
public sealed class PropertyValidator(string activityId, DefinitionValidationContext context)
{
    public DefinitionValidationContext Context { get; } = context;

    public void Error(string property, string message) => Context.Error(activityId, property, message);

    public void Required(string property, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Error(property, "必填 (required)");
        }
    }

    public void Expression(string property, string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            Error(property, "表达式不能为空 (expression required)");
        }
        else if (Context.Scripts.CheckExpression(expression) is { } error)
        {
            Error(property, $"表达式错误 (bad expression) “{expression}”: {error}");
        }
    }

    public void Text(string property, string? text)
    {
        if (text is not null && Context.Scripts.CheckText(text) is { } error)
        {
            Error(property, $"文本模板错误 (bad text template) “{text}”: {error}");
        }
    }

    /// <summary>Checks that <paramref name="name"/> is a variable the flow declares (when the definition is known).</summary>
    public void DeclaredVariable(string property, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            Error(property, "必填 (required)");
        }
        else if (Context.Definition is { } definition && definition.Variables.All(v => v.Name != name))
        {
            Error(property, $"“{name}” 不是本流程声明的变量 (not a declared variable; add it to variables)");
        }
    }

    public void Template(string property, string? templateId)
    {
        if (string.IsNullOrWhiteSpace(templateId))
        {
            Error(property, "必须指定文书模板 (template required)");
        }
        else if (Context.Notices is { } notices && !notices.TemplateExists(templateId))
        {
            Error(property, $"未知文书模板 (unknown template) “{templateId}”");
        }
    }
}
