using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace ZangZhiFa.Workflow.Web.Features.Attachments;

/// <summary>
/// Attachment files on disk, under the data folder and outside the web root. Each file is named by the SHA-256
/// of its content (<c>ab/cd/abcd…</c>), so the same content is stored once however often it is attached.
/// Uploads are first written to a temp file in the same folder (so the final move is an atomic rename) and only
/// moved into place while the complaint's transaction is open.
/// </summary>
public sealed class AttachmentStore(IOptions<AttachmentOptions> options, string root, TimeProvider time, ILogger<AttachmentStore> logger)
{
    /// <summary>Suffix of upload temp files; nothing else in the folder ends with it.</summary>
    public const string TempSuffix = ".upload";

    public AttachmentOptions Options => options.Value;

    public string Root => root;

    /// <summary>Where the content with this hash lives.</summary>
    public string PathOf(string sha256) => Path.Combine(root, sha256[..2], sha256[2..4], sha256);

    /// <summary>
    /// Copies each upload to a temp file, hashing and sniffing it on the way. Every problem is reported under the
    /// form field it concerns (<c>attachments</c> for the count, <c>attachments[i]</c> for one file).
    /// The caller disposes the batch, which removes whatever was not committed.
    /// </summary>
    public async Task<AttachmentBatch> StageAsync(IReadOnlyList<IFormFile> posted, CancellationToken cancellationToken)
    {
        var limits = Options;
        // A file input left empty still posts one part with no name and no content: that is no attachment.
        var files = posted.Where(f => !(f.Length == 0 && string.IsNullOrEmpty(f.FileName))).ToList();
        var batch = new AttachmentBatch(this);
        if (files.Count > limits.MaxFiles)
        {
            batch.Errors["attachments"] = [$"附件最多 {limits.MaxFiles} 个"];
            return batch;
        }

        Directory.CreateDirectory(root);
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var field = $"attachments[{i}]";
            if (file.Length == 0)
            {
                batch.Errors[field] = ["附件是空文件，请重新选择"];
                continue;
            }

            if (file.Length > limits.MaxFileBytes)
            {
                batch.Errors[field] = [$"每个附件不能超过 {limits.MaxFileMegabytes} MB"];
                continue;
            }

            var name = FileNames.Sanitise(file.FileName, limits.MaxFileNameLength);
            var extension = name is null ? "" : Path.GetExtension(name);
            if (!FileSniffer.ContentTypes.TryGetValue(extension, out var contentType))
            {
                batch.Errors[field] = ["附件只能是图片（JPG、PNG、GIF、WebP）、PDF 或 Office 文档（Word、Excel、PowerPoint）"];
                continue;
            }

            var temp = Path.Combine(root, $"{Guid.NewGuid():N}{TempSuffix}");
            batch.Track(temp);
            string sha256;
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await using (var source = file.OpenReadStream())
                {
                    await source.CopyToAsync(target, cancellationToken);
                }

                target.Position = 0;
                sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(target, cancellationToken));
                if (!FileSniffer.ExtensionsFor(target).Contains(extension, StringComparer.OrdinalIgnoreCase))
                {
                    batch.Errors[field] = ["附件内容与文件类型不符（例如把程序改名为 .pdf），请上传真实的图片、PDF 或 Office 文档"];
                    continue;
                }
            }

            batch.Add(new StagedAttachment(temp, name!, contentType, file.Length, sha256));
        }

        return batch;
    }

    /// <summary>
    /// Moves a staged file to its hash path. Returns whether this call created that file (false when the same
    /// content was already stored, in which case the temp copy is simply dropped).
    /// </summary>
    internal bool Place(StagedAttachment staged)
    {
        var target = PathOf(staged.Sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target))
        {
            File.Delete(staged.TempPath);
            return false;
        }

        File.Move(staged.TempPath, target, overwrite: false);
        return true;
    }

    /// <summary>Deletes temp files a crash left behind; young ones may belong to an upload still running.</summary>
    public void SweepStaleTempFiles()
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        var cutoff = time.GetUtcNow() - Options.StaleTempAge;
        foreach (var file in new DirectoryInfo(root).EnumerateFiles($"*{TempSuffix}"))
        {
            if (file.LastWriteTimeUtc < cutoff.UtcDateTime)
            {
                try
                {
                    file.Delete();
                    logger.LogInformation("Removed stale attachment upload {File}", file.Name);
                }
                catch (IOException ex)
                {
                    logger.LogWarning(ex, "Could not remove stale attachment upload {File}", file.Name);
                }
            }
        }
    }
}

/// <summary>An upload checked and written to its temp file, waiting for the complaint to commit.</summary>
public sealed record StagedAttachment(string TempPath, string FileName, string ContentType, long Size, string Sha256);

/// <summary>
/// The files of one submission and their problems. <see cref="Place"/> moves them into the store inside the
/// complaint's transaction; <see cref="Unplace"/> undoes that when the commit fails; disposing removes any temp
/// file left (a refused or replayed submission stores nothing).
/// </summary>
public sealed class AttachmentBatch(AttachmentStore? store) : IDisposable
{
    private readonly List<string> _temps = [];
    private readonly List<StagedAttachment> _files = [];
    private readonly List<string> _created = [];

    /// <summary>A submission without files (the JSON API).</summary>
    public static AttachmentBatch Empty() => new(null);

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<StagedAttachment> Files => _files;

    internal void Track(string tempPath) => _temps.Add(tempPath);

    internal void Add(StagedAttachment staged) => _files.Add(staged);

    /// <summary>Moves every file to its hash path.</summary>
    public void Place()
    {
        foreach (var file in _files)
        {
            if (store!.Place(file))
            {
                _created.Add(store.PathOf(file.Sha256));
            }
        }
    }

    /// <summary>
    /// Removes the files <see cref="Place"/> created. Safe because submissions are serialised by the write
    /// transaction: no other committed complaint can have come to share a file created inside this one.
    /// </summary>
    public void Unplace()
    {
        foreach (var path in _created)
        {
            File.Delete(path);
        }

        _created.Clear();
    }

    public void Dispose()
    {
        foreach (var temp in _temps)
        {
            File.Delete(temp); // no-op when it was moved into place
        }
    }
}
