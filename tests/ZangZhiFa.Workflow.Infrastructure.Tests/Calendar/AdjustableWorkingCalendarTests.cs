using ZangZhiFa.Workflow.Infrastructure.Calendar;

namespace ZangZhiFa.Workflow.Infrastructure.Tests.Calendar;

/// <summary>The calendar the host hands out: a year replaced by an admin counts at once; a bad year changes nothing.</summary>
public sealed class AdjustableWorkingCalendarTests
{
    private static readonly DateTimeOffset Monday0900 = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void Replace_MovesDeadlines_WhenYearGainsAHoliday()
    {
        var calendar = new AdjustableWorkingCalendar(ShippedCalendar.Folder);
        var file = WorkingCalendarLoader.Read(calendar.Text(2026)!, "2026.json");
        file.RegionalHolidays!.Add(new CalendarFileEntry { Date = "2026-03-04", Name = "测试" });

        var before = calendar.AddWorkingDays(Monday0900, 5);
        calendar.Replace(2026, WorkingCalendarLoader.Write(file));

        before.Should().Be(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(8)));
        calendar.AddWorkingDays(Monday0900, 5).Should().Be(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.FromHours(8)));
        calendar.IsWorkingDay(new DateOnly(2026, 3, 4)).Should().BeFalse();
        calendar.Text(2026).Should().Contain("测试");
    }

    [Fact]
    public void Replace_ThrowsAndKeepsTheYear_WhenDataInvalid()
    {
        var calendar = new AdjustableWorkingCalendar(ShippedCalendar.Folder);
        var original = calendar.Text(2026);

        var act = () => calendar.Replace(2026, """{ "year": 2026, "source": "x", "workdays": [ { "date": "2026-03-04", "name": "误填" } ] }""");

        act.Should().Throw<InvalidDataException>().WithMessage("*2026.json*workdays[0] (误填)*");
        calendar.Text(2026).Should().Be(original);
        calendar.IsWorkingDay(new DateOnly(2026, 3, 4)).Should().BeTrue();
    }

    [Fact]
    public void WriteThenParse_KeepsEveryShippedYear()
    {
        foreach (var path in Directory.GetFiles(ShippedCalendar.Folder, "*.json"))
        {
            var name = Path.GetFileName(path);
            var year = WorkingCalendarLoader.LoadFile(path);
            var again = WorkingCalendarLoader.Parse(WorkingCalendarLoader.Write(WorkingCalendarLoader.Read(File.ReadAllText(path), name)), name);

            again.Holidays.Should().BeEquivalentTo(year.Holidays);
            again.Workdays.Should().BeEquivalentTo(year.Workdays);
            again.RegionalHolidays.Should().BeEquivalentTo(year.RegionalHolidays);
            again.Source.Should().Be(year.Source);
        }
    }
}
