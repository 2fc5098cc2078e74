using ZangZhiFa.Workflow.Web.Tests.Support;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Attachments;

public sealed class StaleUploadSweepTests
{
    [Fact]
    public async Task Startup_RemovesOldUploadTempFilesButKeepsYoungOnesAndStoredFiles_WhenACrashLeftThemBehind()
    {
        var data = Directory.CreateTempSubdirectory("zzf-sweep-").FullName;
        try
        {
            var folder = Directory.CreateDirectory(Path.Combine(data, "attachments")).FullName;
            var stale = Path.Combine(folder, "stale.upload");
            var young = Path.Combine(folder, "young.upload");
            var stored = Path.Combine(folder, "ab", "cd", "abcd");
            Directory.CreateDirectory(Path.GetDirectoryName(stored)!);
            foreach (var file in new[] { stale, young, stored })
            {
                await File.WriteAllTextAsync(file, "x");
                File.SetLastWriteTimeUtc(file, WorkflowHost.Monday0900.UtcDateTime.AddHours(-2));
            }

            File.SetLastWriteTimeUtc(young, WorkflowHost.Monday0900.UtcDateTime.AddMinutes(-10));

            await using (var host = new WorkflowHost(data))
            {
                host.CreateClient().Dispose();
            }

            File.Exists(stale).Should().BeFalse();
            File.Exists(young).Should().BeTrue("an upload ten minutes old may still be running");
            File.Exists(stored).Should().BeTrue("only temp files are swept");
        }
        finally
        {
            WorkflowHost.DeleteData(data);
        }
    }
}
