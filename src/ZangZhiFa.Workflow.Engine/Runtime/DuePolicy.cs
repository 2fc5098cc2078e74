using System.Globalization;
using System.Xml;
using ZangZhiFa.Workflow.Engine.Abstractions;

namespace ZangZhiFa.Workflow.Engine.Runtime;

/// <summary>
/// A time limit as written in a definition: exactly one of working days (工作日), calendar days, or an ISO
/// 8601 duration. Day-based limits end at the end of the last day in local time, as statutory limits do.
/// </summary>
public sealed class DuePolicy
{
    public int? WorkingDays { get; set; }

    public int? Days { get; set; }

    /// <summary>ISO 8601 duration, e.g. <c>PT4H</c>.</summary>
    public string? Duration { get; set; }

    public string? Validate()
    {
        var set = (WorkingDays.HasValue ? 1 : 0) + (Days.HasValue ? 1 : 0) + (Duration is null ? 0 : 1);
        if (set != 1)
        {
            return "须且只能设置 workingDays、days、duration 之一 (exactly one of workingDays, days, duration)";
        }

        if (WorkingDays is <= 0 || Days is <= 0)
        {
            return "天数必须为正整数 (must be a positive number of days)";
        }

        if (Duration is not null)
        {
            try
            {
                if (XmlConvert.ToTimeSpan(Duration) <= TimeSpan.Zero)
                {
                    return "时长必须为正 (duration must be positive)";
                }
            }
            catch (FormatException)
            {
                return $"“{Duration}” 不是 ISO 8601 时长 (not an ISO 8601 duration, e.g. PT4H or P3D)";
            }
        }

        return null;
    }

    public DateTimeOffset DueFrom(DateTimeOffset start, IWorkingCalendar calendar)
    {
        if (WorkingDays is { } wd)
        {
            return calendar.AddWorkingDays(start, wd);
        }

        if (Days is { } d)
        {
            var local = start.ToOffset(calendar.UtcOffset);
            var endOfDay = new DateTimeOffset(local.Date.AddDays(d + 1), calendar.UtcOffset);
            return endOfDay.ToUniversalTime();
        }

        return start + XmlConvert.ToTimeSpan(Duration!);
    }

    /// <summary>
    /// The deadline after an extension (延期) of this length, counted on from <paramref name="due"/>: a day-based
    /// extension of a limit that ends at the end of a day adds whole days (30 d from "end of 1 April" is "end of
    /// 1 May"); a duration is added as it is.
    /// </summary>
    public DateTimeOffset ExtendFrom(DateTimeOffset due, IWorkingCalendar calendar) =>
        Duration is not null ? due + XmlConvert.ToTimeSpan(Duration) : DueFrom(due - TimeSpan.FromTicks(1), calendar);

    /// <summary>
    /// The last day a limit ending at <paramref name="due"/> allows, in local time: a limit ending at midnight
    /// belongs to the day before it (what a notice prints as 办结期限).
    /// </summary>
    public static DateOnly LastDay(DateTimeOffset due, IWorkingCalendar calendar) =>
        DateOnly.FromDateTime((due - TimeSpan.FromTicks(1)).ToOffset(calendar.UtcOffset).DateTime);

    /// <summary>
    /// Reads a point in time an expression gave: an ISO 8601 date-time (UTC unless it has an offset), or an ISO
    /// date (<c>2026-03-17</c>), which means the end of that day in local time, as a statutory limit does.
    /// </summary>
    public static bool TryParseInstant(string text, IWorkingCalendar calendar, out DateTimeOffset instant)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            instant = new DateTimeOffset(date.AddDays(1).ToDateTime(TimeOnly.MinValue), calendar.UtcOffset).ToUniversalTime();
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);
    }

    public override string ToString() =>
        WorkingDays is { } wd ? $"{wd} 个工作日" : Days is { } d ? $"{d} 日" : Duration ?? "";
}
