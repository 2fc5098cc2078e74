using ZangZhiFa.Workflow.Engine.Abstractions;

namespace ZangZhiFa.Workflow.Infrastructure.Calendar;

/// <summary>
/// Working days (工作日) in Beijing time for statutory deadlines: Monday–Friday, minus national and Tibetan
/// regional holidays, plus make-up working days (调休上班), from per-year data (see <see cref="WorkingCalendarLoader"/>).
/// Years without data count Monday–Friday only; <see cref="CoveredYears"/> and <see cref="IsCovered"/> tell
/// which dates that applies to. Immutable and thread-safe; build once and share as a singleton.
/// </summary>
public sealed class WorkingCalendar : IWorkingCalendar
{
    /// <summary>Beijing time, UTC+08:00. Tibet keeps it all year; China has no daylight saving time.</summary>
    public static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    // DayNumber 0 is Monday 0001-01-01, so DayNumber % 7 gives 0 = Monday … 5 = Saturday, 6 = Sunday.
    private const int SaturdayIndex = 5;

    private static readonly int LastDayNumber = DateOnly.MaxValue.DayNumber;

    // One flag per day from 1 January of the first covered year to 31 December of the last, so the hot path
    // is an array read; days outside it fall back to the weekday rule.
    private readonly bool[] _working;
    private readonly int _firstDayNumber;
    private readonly HashSet<int> _coveredYears;

    /// <summary>Builds the calendar from validated years; each year may appear once.</summary>
    /// <exception cref="ArgumentException">A year appears twice.</exception>
    public WorkingCalendar(IEnumerable<CalendarYear> years)
    {
        var byYear = new SortedDictionary<int, CalendarYear>();
        foreach (var year in years)
        {
            if (!byYear.TryAdd(year.Year, year))
            {
                throw new ArgumentException($"Year {year.Year} is given more than once", nameof(years));
            }
        }

        _coveredYears = [.. byYear.Keys];
        CoveredYears = [.. byYear.Keys];
        ProvisionalYears = [.. byYear.Values.Where(y => y.IsProvisional).Select(y => y.Year)];

        if (byYear.Count == 0)
        {
            _working = [];
            return;
        }

        var first = new DateOnly(byYear.Keys.First(), 1, 1);
        var last = new DateOnly(byYear.Keys.Last(), 12, 31);
        _firstDayNumber = first.DayNumber;
        _working = new bool[last.DayNumber - first.DayNumber + 1];
        for (var i = 0; i < _working.Length; i++)
        {
            var date = DateOnly.FromDayNumber(_firstDayNumber + i);
            _working[i] = byYear.TryGetValue(date.Year, out var data)
                ? data.IsWorkingDay(date)
                : !CalendarYear.IsWeekend(date);
        }
    }

    /// <summary>Loads every <c>{year}.json</c> in <paramref name="folder"/>; see <see cref="WorkingCalendarLoader.Load"/>.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is invalid; the message names the file and the entry.</exception>
    public static WorkingCalendar Load(string folder) => WorkingCalendarLoader.Load(folder);

    /// <summary>A calendar with no holiday data: Monday–Friday are working days in every year.</summary>
    public static WorkingCalendar WeekendsOnly { get; } = new([]);

    /// <summary>Always <see cref="BeijingOffset"/> (+08:00).</summary>
    public TimeSpan UtcOffset => BeijingOffset;

    /// <summary>Years with holiday data, ascending. Other years count Monday–Friday only.</summary>
    public IReadOnlyList<int> CoveredYears { get; }

    /// <summary>
    /// Covered years whose data are provisional (the official arrangement was not yet published when the data
    /// were written), ascending; deadlines falling in them should be shown as tentative.
    /// </summary>
    public IReadOnlyList<int> ProvisionalYears { get; }

    /// <summary>Whether <paramref name="date"/>'s year has holiday data (otherwise weekends-only applies).</summary>
    public bool IsCovered(DateOnly date) => _coveredYears.Contains(date.Year);

    /// <summary>
    /// Whether <paramref name="date"/> is a working day: a make-up working day, or a Monday–Friday that is
    /// not a holiday. Years without data: Monday–Friday.
    /// </summary>
    public bool IsWorkingDay(DateOnly date) => IsWorkingDay(date.DayNumber);

    /// <summary>
    /// The deadline <paramref name="workingDays"/> working days after <paramref name="start"/>.
    /// </summary>
    /// <remarks>
    /// <para>Counting starts on the day after <paramref name="start"/>'s date in Beijing time, whatever the
    /// time of day or offset of <paramref name="start"/> (a case filed on Friday 23:30 counts from Saturday;
    /// 2026-03-05T17:00Z is already Friday in Beijing). The start day is never counted, even if it is a
    /// working day; a start on a holiday or weekend counts from the next working day in the same way.</para>
    /// <para>The result is the end of the last counted working day, expressed as 00:00 Beijing time of the
    /// following calendar day (that day may itself be a holiday): the limit is met by anything done before
    /// that instant. It is returned with offset +08:00; compare instants, not offsets.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workingDays"/> is zero or negative
    /// (a statutory limit is at least one working day), or the deadline is beyond year 9999.</exception>
    public DateTimeOffset AddWorkingDays(DateTimeOffset start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workingDays);

        var day = DateOnly.FromDateTime(start.ToOffset(BeijingOffset).DateTime).DayNumber;
        var remaining = workingDays;
        while (remaining > 0)
        {
            // The day after the deadline must exist too, because the deadline instant is its midnight.
            if (day >= LastDayNumber - 1)
            {
                throw new ArgumentOutOfRangeException(nameof(workingDays), workingDays, "The deadline is beyond 9999-12-31");
            }

            day++;
            if (IsWorkingDay(day))
            {
                remaining--;
            }
        }

        return new DateTimeOffset(DateOnly.FromDayNumber(day + 1).ToDateTime(TimeOnly.MinValue), BeijingOffset);
    }

    private bool IsWorkingDay(int dayNumber)
    {
        var index = dayNumber - _firstDayNumber;
        return (uint)index < (uint)_working.Length ? _working[index] : dayNumber % 7 < SaturdayIndex;
    }
}
