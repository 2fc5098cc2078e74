using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace ZangZhiFa.Workflow.Engine.Definitions;

/// <summary>
/// Reads and writes definition files. The written form is canonical (camelCase, two-space indent, Chinese
/// kept as characters, LF line ends) so that export → import → export is byte-for-byte stable.
/// </summary>
public static class WorkflowDefinitionSerializer
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            WriteIndented = true,
            IndentSize = 2,
            NewLine = "\n",
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            // Definitions are read by humans; Chinese outcome names must stay legible, not \uXXXX.
            Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Parses a definition; throws <see cref="DefinitionFormatException"/> with line and position on bad JSON.</summary>
    public static WorkflowDefinition Deserialize(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<WorkflowDefinition>(json, Options)
                ?? throw new DefinitionFormatException(source, "文件为空 (file is empty)");
        }
        catch (JsonException ex)
        {
            // The parser's own text ends with the path and position again, in its internal zero-based form: cut there.
            var where = ex.LineNumber is { } line ? $" 第 {line + 1} 行第 {ex.BytePositionInLine + 1} 列" : "";
            var path = ex.Path is { Length: > 1 } p ? $"（{p}）" : "";
            var detail = ex.Message.Split(" Path: ", 2)[0].Split(" LineNumber: ", 2)[0].TrimEnd(' ', '|', '.');
            throw new DefinitionFormatException(source, $"JSON 格式错误 (invalid JSON){where}{path}：{detail}");
        }
    }

    public static string Serialize(WorkflowDefinition definition) =>
        JsonSerializer.Serialize(definition, Options) + "\n";
}

/// <summary>A definition file that is not even well-formed JSON for the model.</summary>
public sealed class DefinitionFormatException(string source, string message)
    : Exception($"{source}: {message}")
{
    public string FileName { get; } = source;
}
