namespace ZangZhiFa.Workflow.Infrastructure.Persistence;

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Folder for the SQLite files and attachments; relative paths are from the content root.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>
    /// SQLite <c>synchronous</c> in WAL mode. <c>FULL</c> (default) makes every commit durable across power loss —
    /// a committed complaint must never be lost; <c>NORMAL</c> is faster but may lose the last commits on power failure.
    /// </summary>
    public string Synchronous { get; set; } = "FULL";

    public string DatabaseFileName { get; set; } = "zangzhifa.db";

    public string SchedulerFileName { get; set; } = "scheduler.db";

    public string ResolveDataDirectory(string contentRoot) =>
        Path.GetFullPath(Path.IsPathRooted(DataDirectory) ? DataDirectory : Path.Combine(contentRoot, DataDirectory));

    public string ConnectionString(string contentRoot) =>
        $"Data Source={Path.Combine(ResolveDataDirectory(contentRoot), DatabaseFileName)};Pooling=True";

    public string SchedulerConnectionString(string contentRoot) =>
        $"Data Source={Path.Combine(ResolveDataDirectory(contentRoot), SchedulerFileName)};Pooling=True";
}
