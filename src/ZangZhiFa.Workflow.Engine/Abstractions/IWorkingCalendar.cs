namespace ZangZhiFa.Workflow.Engine.Abstractions;

/// <summary>
/// Working days (工作日) for statutory deadlines: weekends, public holidays, make-up workdays (调休) and
/// Tibet's regional holidays, from data.
/// </summary>
public interface IWorkingCalendar
{
    /// <summary>The offset of local (Beijing) time that dates are counted in.</summary>
    TimeSpan UtcOffset { get; }

    bool IsWorkingDay(DateOnly date);

    /// <summary>
    /// The deadline <paramref name="workingDays"/> working days after <paramref name="start"/>: the end of
    /// that working day in local time. The start day itself is not counted.
    /// </summary>
    DateTimeOffset AddWorkingDays(DateTimeOffset start, int workingDays);
}
