using ZangZhiFa.Workflow.Infrastructure.Calendar;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Calendar;

/// <summary>
/// Deadlines on the shipped calendar data, each checked by hand against the State Council and Lhasa notices.
/// A deadline is 00:00 Beijing time of the day after the last counted working day.
/// </summary>
public sealed class WorkingCalendarTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private static WorkingCalendar Calendar => ShippedCalendar.Instance;

    private static DateTimeOffset Bj(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, Beijing);

    [Fact]
    public void Load_CoversShippedYears_WhenReadingRepositoryCalendarFolder()
    {
        Calendar.CoveredYears.Should().Equal(2025, 2026, 2027);
        Calendar.ProvisionalYears.Should().Equal(2027);
        Calendar.UtcOffset.Should().Be(TimeSpan.FromHours(8));
    }

    [Theory]
    [InlineData("2025-01-28", false)] // 除夕, first day of the 2025 Spring Festival
    [InlineData("2025-01-26", true)]  // Sunday, 春节调休上班
    [InlineData("2025-02-08", true)]  // Saturday, 春节调休上班
    [InlineData("2025-02-27", false)] // Thursday, Lhasa Losar 2025 (27 Feb – 4 Mar, no make-up days)
    [InlineData("2025-03-04", false)] // Tuesday, last Losar day
    [InlineData("2025-03-05", true)]
    [InlineData("2025-10-08", false)] // Wednesday, last day of National Day + Mid-Autumn
    [InlineData("2025-10-11", true)]  // Saturday, 国庆调休上班
    [InlineData("2026-02-13", true)]  // Friday before the break
    [InlineData("2026-02-23", false)] // Monday, 正月初七, last national Spring Festival day
    [InlineData("2026-02-24", false)] // Tuesday: national working day, but Lhasa's merged Losar break runs to 26 Feb
    [InlineData("2026-02-26", false)]
    [InlineData("2026-02-27", true)]
    [InlineData("2026-02-28", true)]  // Saturday, 春节调休上班
    [InlineData("2026-05-09", true)]  // Saturday, 劳动节调休上班
    [InlineData("2026-10-07", false)]
    public void IsWorkingDay_MatchesNotices_WhenDateIsInShippedData(string date, bool expected)
    {
        Calendar.IsWorkingDay(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)).Should().Be(expected, date);
    }

    [Fact]
    public void IsWorkingDay_CountsFiftySixDays_WhenCountingFirstQuarter2026()
    {
        // 64 weekdays, less 1–2 Jan and 16–20, 23–26 Feb (9, Losar included), plus 4 Jan, 14 Feb, 28 Feb.
        var days = Enumerable.Range(0, 90).Select(i => new DateOnly(2026, 1, 1).AddDays(i));

        days.Count(Calendar.IsWorkingDay).Should().Be(56);
    }

    [Theory]
    [InlineData(1, 2026, 2, 15)] // Sat 14 Feb is a make-up workday
    [InlineData(2, 2026, 2, 28)] // 15–26 Feb off (Spring Festival + Losar in Lhasa), Fri 27 Feb
    [InlineData(3, 2026, 3, 1)]  // Sat 28 Feb is a make-up workday
    [InlineData(4, 2026, 3, 3)]  // Sun 1 Mar off, Mon 2 Mar
    public void AddWorkingDays_SkipsSpringFestivalAndLosar_WhenStartingOnFridayBeforeTheBreak(int workingDays, int year, int month, int day)
    {
        Calendar.AddWorkingDays(Bj(2026, 2, 13, 10), workingDays).Should().Be(Bj(year, month, day));
    }

    [Fact]
    public void AddWorkingDays_CountsMakeUpSunday_WhenStartingOnNewYearHoliday()
    {
        // Fri 2 Jan 2026 is a holiday; Sat 3 Jan a holiday; Sun 4 Jan is 元旦调休上班 and is the 1st working day.
        Calendar.AddWorkingDays(Bj(2026, 1, 2, 9), 1).Should().Be(Bj(2026, 1, 5));
        Calendar.IsWorkingDay(new DateOnly(2026, 1, 4)).Should().BeTrue();
        Calendar.IsWorkingDay(new DateOnly(2026, 1, 11)).Should().BeFalse("an ordinary Sunday");
    }

    [Fact]
    public void AddWorkingDays_CountsFromNextWorkingDay_WhenStartingOnNationalDayHoliday()
    {
        // Start Sat 3 Oct 2026 (holiday). 4–7 Oct off; Thu 8, Fri 9, Sat 10 (make-up), Mon 12, Tue 13.
        Calendar.AddWorkingDays(Bj(2026, 10, 3, 11), 5).Should().Be(Bj(2026, 10, 14));
    }

    [Theory]
    [InlineData(1, 2026, 9, 29)]  // 25–27 Sep Mid-Autumn off; Mon 28 Sep
    [InlineData(2, 2026, 9, 30)]  // Tue 29 Sep
    [InlineData(3, 2026, 10, 1)]  // Wed 30 Sep
    [InlineData(4, 2026, 10, 9)]  // 1–7 Oct off; Thu 8 Oct
    [InlineData(5, 2026, 10, 10)] // Fri 9 Oct
    [InlineData(6, 2026, 10, 11)] // Sat 10 Oct, make-up workday
    [InlineData(7, 2026, 10, 13)] // Sun 11 Oct off; Mon 12 Oct
    public void AddWorkingDays_SkipsMidAutumnAndNationalDayWeek_WhenStartingThursdayBefore(int workingDays, int year, int month, int day)
    {
        Calendar.AddWorkingDays(Bj(2026, 9, 24, 17), workingDays).Should().Be(Bj(year, month, day));
    }

    [Fact]
    public void AddWorkingDays_CountsMakeUpSundayBeforeNationalDay_WhenStartingFriday()
    {
        // Fri 18 Sep 2026: Sat 19 off, Sun 20 make-up (1), Mon 21 … Thu 24 (5).
        Calendar.AddWorkingDays(Bj(2026, 9, 18, 15), 5).Should().Be(Bj(2026, 9, 25));
    }

    [Theory]
    [InlineData(1, 2026, 3, 10)] // Mon 9 Mar
    [InlineData(5, 2026, 3, 14)] // Mon 9 – Fri 13 Mar
    public void AddWorkingDays_StartsCountingMonday_WhenStartingFridayEvening(int workingDays, int year, int month, int day)
    {
        Calendar.AddWorkingDays(Bj(2026, 3, 6, 23, 30), workingDays).Should().Be(Bj(year, month, day));
    }

    [Fact]
    public void AddWorkingDays_CountsFromBeijingDate_WhenUtcInstantIsStillPreviousDay()
    {
        // 17:00Z on Thu 5 Mar is 01:00 on Fri 6 Mar in Beijing: the start day is Friday, so day 1 is Monday.
        var start = new DateTimeOffset(2026, 3, 5, 17, 0, 0, TimeSpan.Zero);

        Calendar.AddWorkingDays(start, 1).Should().Be(Bj(2026, 3, 10));
    }

    [Fact]
    public void AddWorkingDays_ReturnsBeijingMidnight_WhenDeadlineComputed()
    {
        var due = Calendar.AddWorkingDays(Bj(2026, 3, 6, 23, 30), 1);

        due.Should().BeExactly(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(8)));
        due.UtcDateTime.Should().Be(new DateTime(2026, 3, 9, 16, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void AddWorkingDays_CrossesIntoNewYear_WhenStartingOn30December2025()
    {
        // Wed 31 Dec (1); 1–3 Jan off; Sun 4 Jan make-up (2); Mon 5 Jan (3).
        Calendar.AddWorkingDays(Bj(2025, 12, 30, 16), 3).Should().Be(Bj(2026, 1, 6));
    }

    [Fact]
    public void AddWorkingDays_CrossesIntoProvisionalYear_WhenStartingOn30December2026()
    {
        // Thu 31 Dec (1); Fri 1 Jan 2027 元旦; weekend; Mon 4 Jan (2).
        Calendar.AddWorkingDays(Bj(2026, 12, 30, 10), 2).Should().Be(Bj(2027, 1, 5));
    }

    [Fact]
    public void AddWorkingDays_SkipsLosar2025_WhenStartingTheDayBefore()
    {
        // Wed 26 Feb 2025; Losar break 27 Feb – 4 Mar; Wed 5 Mar is the 1st working day.
        Calendar.AddWorkingDays(Bj(2025, 2, 26, 12), 1).Should().Be(Bj(2025, 3, 6));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void AddWorkingDays_Throws_WhenWorkingDaysIsNotPositive(int workingDays)
    {
        var act = () => Calendar.AddWorkingDays(Bj(2026, 3, 2), workingDays);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(nameof(workingDays));
    }

    [Fact]
    public void AddWorkingDays_Throws_WhenDeadlineIsBeyondYear9999()
    {
        var act = () => Calendar.AddWorkingDays(new DateTimeOffset(9999, 12, 20, 0, 0, 0, TimeSpan.FromHours(8)), 30);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void IsWorkingDay_FallsBackToWeekendsOnly_WhenYearHasNoData()
    {
        Calendar.IsCovered(new DateOnly(2030, 10, 1)).Should().BeFalse();
        Calendar.IsCovered(new DateOnly(2026, 10, 1)).Should().BeTrue();
        Calendar.IsWorkingDay(new DateOnly(2030, 10, 1)).Should().BeTrue("a Tuesday, and 2030 has no data");
        Calendar.IsWorkingDay(new DateOnly(2024, 10, 1)).Should().BeTrue("a Tuesday, and 2024 has no data");
        Calendar.IsWorkingDay(new DateOnly(2030, 10, 5)).Should().BeFalse("a Saturday");
        // Fri 27 Sep 2030: Mon 30 Sep, Tue 1 Oct, Wed 2 Oct.
        Calendar.AddWorkingDays(Bj(2030, 9, 27, 9), 3).Should().Be(Bj(2030, 10, 3));
    }

    [Fact]
    public void WeekendsOnly_CountsSpringFestivalAsWorkingDays_WhenNoDataLoaded()
    {
        var calendar = WorkingCalendar.WeekendsOnly;

        calendar.CoveredYears.Should().BeEmpty();
        calendar.IsWorkingDay(new DateOnly(2026, 2, 17)).Should().BeTrue("Tuesday; without data every weekday counts");
        calendar.IsWorkingDay(new DateOnly(2026, 2, 14)).Should().BeFalse("Saturday");
        calendar.AddWorkingDays(Bj(2026, 2, 13, 10), 3).Should().Be(Bj(2026, 2, 19));
    }

    [Fact]
    public void AddWorkingDays_MatchesDayByDayCount_WhenRunOverEveryStartDayOf2026()
    {
        // Cross-check the hot path against IsWorkingDay for every start day and limits up to 60.
        for (var start = new DateOnly(2026, 1, 1); start.Year == 2026; start = start.AddDays(1))
        {
            var day = start;
            for (var n = 1; n <= 60; n++)
            {
                do
                {
                    day = day.AddDays(1);
                }
                while (!Calendar.IsWorkingDay(day));

                var expected = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), Beijing);
                Calendar.AddWorkingDays(new DateTimeOffset(start.ToDateTime(new TimeOnly(12, 0)), Beijing), n)
                    .Should().Be(expected, "start {0}, {1} working days", start, n);
            }
        }
    }
}
