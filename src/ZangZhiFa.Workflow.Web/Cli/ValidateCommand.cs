using ZangZhiFa.Workflow.Engine.Activities;
using ZangZhiFa.Workflow.Engine.Definitions;
using ZangZhiFa.Workflow.Engine.Expressions;
using ZangZhiFa.Workflow.Infrastructure;
using ZangZhiFa.Workflow.Infrastructure.Notices;

namespace ZangZhiFa.Workflow.Web.Cli;

/// <summary>
/// <c>validate &lt;folder&gt; [--templates &lt;folder&gt;]</c>: checks every definition in the folder with the same
/// validator the designer uses. Exit 0 when all are valid, else 1 with one line per error (file, activity or
/// connection, fault); 2 on bad usage.
/// </summary>
public static class ValidateCommand
{
    public static int Run(string[] args, TextWriter output, string? currentDirectory = null)
    {
        if (args.Length is not (1 or 3) || (args.Length == 3 && args[1] != "--templates"))
        {
            output.WriteLine("usage: validate <workflows-folder> [--templates <templates-folder>]");
            return 2;
        }

        var folder = Resolve(args[0], currentDirectory ?? Environment.CurrentDirectory);
        if (!Directory.Exists(folder))
        {
            output.WriteLine($"{folder}: folder not found");
            return 2;
        }

        var templates = args.Length == 3
            ? Path.GetFullPath(args[2])
            : new ContentPaths().Resolve(AppContext.BaseDirectory).Templates;
        var validator = new WorkflowValidator(ActivityRegistry.CreateDefault(), new ScriptEngine(), new ScribanNoticeRenderer(templates));
        var (definitions, errors) = DefinitionCatalog.LoadFolder(folder, validator);
        if (definitions.Count == 0 && errors.Count == 0)
        {
            // Nothing checked is not "all valid": most likely the wrong folder was named.
            output.WriteLine($"{folder}: no workflow definitions (*.json) found");
            return 2;
        }

        foreach (var error in errors)
        {
            output.WriteLine(error);
        }

        output.WriteLine(errors.Count == 0
            ? $"{definitions.Count} definition(s) valid"
            : $"{errors.Count} error(s); {definitions.Count} definition(s) valid");
        return errors.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// A relative folder is looked for in the current directory, then in the repository root above it:
    /// <c>dotnet run --project src/…</c> starts the host inside the project folder, while the README's
    /// <c>validate workflows</c> means the repository's folder.
    /// </summary>
    private static string Resolve(string path, string currentDirectory)
    {
        var direct = Path.GetFullPath(path, currentDirectory);
        if (Path.IsPathRooted(path) || Directory.Exists(direct))
        {
            return direct;
        }

        for (var dir = new DirectoryInfo(currentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ZangZhiFa.Workflow.sln")))
            {
                return Path.Combine(dir.FullName, path);
            }
        }

        return direct;
    }
}
