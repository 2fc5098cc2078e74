using ZangZhiFa.Workflow.Engine.Abstractions;
using ZangZhiFa.Workflow.Infrastructure.Calendar;
using ZangZhiFa.Workflow.Infrastructure.Notices;

namespace ZangZhiFa.Workflow.Engine.Tests.Support;

/// <summary>The real calendar and notice renderer over the repository's data folders, built once for all tests.</summary>
public static class SharedServices
{
    public static IWorkingCalendar Calendar { get; } = WorkingCalendar.Load(RepoPaths.Calendar);

    public static INoticeRenderer Notices { get; } = new ScribanNoticeRenderer(RepoPaths.Templates);
}
