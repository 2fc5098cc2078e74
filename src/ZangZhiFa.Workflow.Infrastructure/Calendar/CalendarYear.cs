using System.Globalization;

namespace ZangZhiFa.Workflow.Infrastructure.Calendar;

/// <summary>
/// One year of calendar data: the dates that differ from a plain Monday–Friday week, at national level
/// (State Council arrangement) and at regional level (Tibet / Lhasa arrangement).
/// </summary>
/// <remarks>
/// Precedence, per date: regional workday, regional holiday, national workday, national holiday, then the
/// weekday. Regional lists win because a local notice may give a day off on a national make-up Saturday, or
/// ask for a regional make-up Sunday; within one level a date cannot be both a holiday and a workday.
/// </remarks>
public sealed class CalendarYear
{
    /// <summary>Creates one year's data; every date must lie in <paramref name="year"/>.</summary>
    /// <param name="year">The Gregorian year.</param>
    /// <param name="holidays">National days off (法定节假日及调休放假), weekends included or not.</param>
    /// <param name="workdays">National make-up working days (调休上班); Saturdays or Sundays only.</param>
    /// <param name="regionalHolidays">Regional days off (藏历新年, 雪顿节).</param>
    /// <param name="regionalWorkdays">Regional make-up working days; Saturdays or Sundays only.</param>
    /// <param name="provisional">True while the year is not yet backed by the official notice.</param>
    /// <param name="source">Where the figures come from, for audit.</param>
    /// <exception cref="ArgumentException">A date is outside the year, a workday is not a weekend day, or a
    /// date is both a holiday and a workday at the same level.</exception>
    public CalendarYear(
        int year,
        IEnumerable<DateOnly> holidays,
        IEnumerable<DateOnly> workdays,
        IEnumerable<DateOnly>? regionalHolidays = null,
        IEnumerable<DateOnly>? regionalWorkdays = null,
        bool provisional = false,
        string source = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, DateOnly.MinValue.Year + 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, DateOnly.MaxValue.Year - 1);
        Year = year;
        IsProvisional = provisional;
        Source = source;
        Holidays = ToSet(holidays, nameof(holidays));
        Workdays = ToSet(workdays, nameof(workdays), weekendOnly: true);
        RegionalHolidays = ToSet(regionalHolidays ?? [], nameof(regionalHolidays));
        RegionalWorkdays = ToSet(regionalWorkdays ?? [], nameof(regionalWorkdays), weekendOnly: true);
        EnsureDisjoint(Holidays, Workdays, "national");
        EnsureDisjoint(RegionalHolidays, RegionalWorkdays, "regional");
    }

    public int Year { get; }

    /// <summary>
    /// True while the data are a placeholder (e.g. the State Council has not yet published the year's
    /// arrangement); deadlines in such a year should be shown as tentative.
    /// </summary>
    public bool IsProvisional { get; }

    public string Source { get; }

    public IReadOnlySet<DateOnly> Holidays { get; }

    public IReadOnlySet<DateOnly> Workdays { get; }

    public IReadOnlySet<DateOnly> RegionalHolidays { get; }

    public IReadOnlySet<DateOnly> RegionalWorkdays { get; }

    /// <summary>Whether <paramref name="date"/> (which must lie in <see cref="Year"/>) is a working day.</summary>
    public bool IsWorkingDay(DateOnly date)
    {
        if (RegionalWorkdays.Contains(date))
        {
            return true;
        }

        if (RegionalHolidays.Contains(date))
        {
            return false;
        }

        if (Workdays.Contains(date))
        {
            return true;
        }

        return !Holidays.Contains(date) && !IsWeekend(date);
    }

    internal static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    // Invariant culture: a Thai or Hijri UI culture would otherwise print another calendar's year.
    internal static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private HashSet<DateOnly> ToSet(IEnumerable<DateOnly> dates, string parameter, bool weekendOnly = false)
    {
        var set = new HashSet<DateOnly>();
        foreach (var date in dates)
        {
            if (date.Year != Year)
            {
                throw new ArgumentException($"{Iso(date)} is not in {Year}", parameter);
            }

            // A make-up working day on a weekday changes nothing, so it can only be a mistyped date.
            if (weekendOnly && !IsWeekend(date))
            {
                throw new ArgumentException($"{Iso(date)} is a {date.DayOfWeek}; make-up workdays are weekend days", parameter);
            }

            set.Add(date);
        }

        return set;
    }

    private static void EnsureDisjoint(IReadOnlySet<DateOnly> holidays, IReadOnlySet<DateOnly> workdays, string level)
    {
        foreach (var date in holidays)
        {
            if (workdays.Contains(date))
            {
                throw new ArgumentException($"{Iso(date)} is both a {level} holiday and a {level} workday");
            }
        }
    }
}
